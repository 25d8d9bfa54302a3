using System.ComponentModel;
using DevOpsProvider.Web.Connect;
using Hangfire;

namespace DevOpsProvider.Web.Sync;

/// <summary>
/// The Hangfire jobs. A site's run is one job; the safety net is a recurring job that enqueues one job per active
/// site, so several app instances share the sites between them.
/// </summary>
public sealed class SyncJob(SiteSync sync, TenantStore tenants, SiteFlagStore flags, SyncTriggers triggers, FailureRetries retries)
{
    /// <summary>
    /// No Hangfire retries: the run retries Jira requests itself, and a failed run schedules its own bounded retry
    /// (FailureRetries); retrying a run on 401 would be the retry storm Jira punishes.
    /// </summary>
    [AutomaticRetry(Attempts = 0)]
    [DisplayName("Sync site {0} ({1})")]
    public async Task<SyncOutcome> RunSiteAsync(string clientKey, string trigger, CancellationToken cancellationToken)
    {
        // From here on a trigger needs a run of its own: this one may already have read what it changes.
        await flags.ClearQueuedAsync(clientKey, cancellationToken);
        if (trigger == FailureRetries.Trigger)
        {
            await retries.StartingAsync(clientKey, cancellationToken);
        }

        var outcome = await sync.RunAsync(clientKey, trigger, cancellationToken);
        await retries.AfterRunAsync(clientKey, outcome, cancellationToken);
        return outcome;
    }

    [AutomaticRetry(Attempts = 0)]
    [DisplayName("Sync every active site ({0})")]
    public async Task<int> RunAllAsync(string trigger, CancellationToken cancellationToken)
    {
        var count = 0;
        foreach (var tenant in await tenants.ListAsync(cancellationToken))
        {
            // A site whose run still waits in the queue gets no second one: slow sites cannot pile up safety-net runs.
            if (tenant.State == TenantStates.Active && await triggers.EnqueueAsync(tenant.ClientKey, trigger, cancellationToken) is not null)
            {
                count++;
            }
        }

        return count;
    }
}
