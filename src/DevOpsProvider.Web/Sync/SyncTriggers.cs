using Dapper;
using DevOpsProvider.Web.Catalog;
using DevOpsProvider.Web.Connect;
using Hangfire;
using Microsoft.Extensions.Options;
using Npgsql;

namespace DevOpsProvider.Web.Sync;

/// <summary>
/// Everything that starts a run: a verified install (full sync), enable (catch-up), catalog changes (debounced per
/// site), and operators (API, dashboard). Runs go through Hangfire so any instance may pick them up.
/// </summary>
public sealed class SyncTriggers(
    NpgsqlDataSource dataSource,
    SiteFlagStore flags,
    IBackgroundJobClient jobs,
    IOptions<SyncOptions> options) : ITenantLifecycleListener, ICatalogChangeListener
{
    public const string Install = "install";
    public const string Enabled = "enabled";
    public const string CatalogChange = "catalog-change";
    public const string Interval = "interval";
    public const string Operator = "operator";
    public const string Scopes = "scopes";

    public async Task OnInstalledAsync(Tenant tenant, CancellationToken cancellationToken)
    {
        // A new install (or a reinstall with a new secret) starts clean: Jira may hold nothing of ours any more.
        await flags.EnsureAsync(tenant.ClientKey, cancellationToken);
        await flags.ClearAttentionAsync(tenant.ClientKey, cancellationToken);
        await flags.RequestFullAsync(tenant.ClientKey, cancellationToken);
        await flags.ReplanAsync(tenant.ClientKey, cancellationToken);
        await EnqueueAsync(tenant.ClientKey, Install, cancellationToken);
    }

    public async Task OnStateChangedAsync(string clientKey, string eventType, string state, CancellationToken cancellationToken)
    {
        // disabled, uninstalled and replaced sites get nothing: runs check the state before they start.
        if (eventType == "enabled" && state == TenantStates.Active)
        {
            await flags.EnsureAsync(clientKey, cancellationToken);
            await flags.ClearAttentionAsync(clientKey, cancellationToken);
            // While disabled, tombstones it held may have been purged: look at everything once.
            await flags.ReplanAsync(clientKey, cancellationToken);
            await EnqueueAsync(clientKey, Enabled, cancellationToken);
        }
    }

    /// <summary>One run per affected site per burst: the first change schedules it, later ones ride along.</summary>
    public async Task OnCatalogChangedAsync(IReadOnlyCollection<string> scopes, CancellationToken cancellationToken)
    {
        const string sql = """
            SELECT DISTINCT ts.client_key FROM tenant_scopes ts
            JOIN tenants t ON t.client_key = ts.client_key
            JOIN tenant_sync s ON s.client_key = ts.client_key
            WHERE t.state = 'active' AND s.attention_reason IS NULL AND ts.scope = ANY(@scopes)
            """;
        string[] sites;
        await using (var connection = await dataSource.OpenConnectionAsync(cancellationToken))
        {
            sites = [.. await connection.QueryAsync<string>(new CommandDefinition(sql, new { scopes = scopes.ToArray() }, cancellationToken: cancellationToken))];
        }

        if (sites.Length == 0)
        {
            return;
        }

        var delay = TimeSpan.FromSeconds(options.Value.DebounceSeconds);
        foreach (var clientKey in await flags.ClaimDebounceAsync(sites, delay, cancellationToken))
        {
            if (delay <= TimeSpan.Zero)
            {
                await EnqueueAsync(clientKey, CatalogChange, cancellationToken);
            }
            else
            {
                jobs.Schedule<SyncJob>(job => job.RunSiteAsync(clientKey, CatalogChange, CancellationToken.None), delay);
            }
        }
    }

    /// <summary>
    /// An operator's run of one site; it also lifts "needs attention" (the operator has fixed something). Returns the
    /// job id, or null when a run of the site is already waiting in the queue (that run does what was asked).
    /// </summary>
    public async Task<string?> SyncSiteAsync(string clientKey, bool full, CancellationToken cancellationToken)
    {
        await flags.EnsureAsync(clientKey, cancellationToken);
        await flags.ClearAttentionAsync(clientKey, cancellationToken);
        if (full)
        {
            await flags.RequestFullAsync(clientKey, cancellationToken);
        }

        return await EnqueueAsync(clientKey, Operator, cancellationToken);
    }

    /// <summary>An operator's run of every active site (one job per site).</summary>
    public string SyncAll() => jobs.Enqueue<SyncJob>(job => job.RunAllAsync(Operator, CancellationToken.None));

    /// <summary>
    /// Enqueues a run of one site now, unless one is already waiting in the queue: the waiting run reads the site's
    /// state when it starts, so it covers this trigger too, and the queue holds at most one run per site (100 sites
    /// behind a rate limit, or safety-net runs piling up behind slow ones, cannot flood it). Null when coalesced.
    /// </summary>
    public async Task<string?> EnqueueAsync(string clientKey, string trigger, CancellationToken cancellationToken)
    {
        await flags.EnsureAsync(clientKey, cancellationToken);
        if (!await flags.ClaimQueuedAsync(clientKey, options.Value.QueuedRunTimeout, cancellationToken))
        {
            return null;
        }

        try
        {
            return jobs.Enqueue<SyncJob>(job => job.RunSiteAsync(clientKey, trigger, CancellationToken.None));
        }
        catch
        {
            // No job was queued: the mark must not silence the site's triggers until it goes stale.
            await flags.ClearQueuedAsync(clientKey, CancellationToken.None);
            throw;
        }
    }
}
