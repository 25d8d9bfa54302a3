using System.ComponentModel;
using DevOpsProvider.Web.Connect;
using Hangfire;

namespace DevOpsProvider.Web.Sync;

/// <summary>
/// The Hangfire jobs. A site's run is one job; the safety net is a recurring job that enqueues one job per active
/// site, so several app instances share the sites between them.
/// </summary>
public sealed class SyncJob(SiteSync sync, TenantStore tenants, IBackgroundJobClient jobs)
{
    /// <summary>
    /// No Hangfire retries: the run retries Jira requests itself, and a failed run is followed by the next trigger or
    /// the safety net; retrying a run on 401 would be the retry storm Jira punishes.
    /// </summary>
    [AutomaticRetry(Attempts = 0)]
    [DisplayName("Sync site {0} ({1})")]
    public Task<SyncOutcome> RunSiteAsync(string clientKey, string trigger, CancellationToken cancellationToken)
        => sync.RunAsync(clientKey, trigger, cancellationToken);

    [AutomaticRetry(Attempts = 0)]
    [DisplayName("Sync every active site ({0})")]
    public async Task<int> RunAllAsync(string trigger, CancellationToken cancellationToken)
    {
        var count = 0;
        foreach (var tenant in await tenants.ListAsync(cancellationToken))
        {
            if (tenant.State == TenantStates.Active)
            {
                jobs.Enqueue<SyncJob>(job => job.RunSiteAsync(tenant.ClientKey, trigger, CancellationToken.None));
                count++;
            }
        }

        return count;
    }
}
