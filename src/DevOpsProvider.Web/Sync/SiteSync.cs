using DevOpsProvider.Web.Connect;
using DevOpsProvider.Web.Operations;
using Microsoft.Extensions.Options;
using Npgsql;

namespace DevOpsProvider.Web.Sync;

/// <summary>
/// One sync run of one site: under the site's lock, send what the site lacks and delete what it should no longer
/// hold, recording every batch as it lands. Whatever a run has not recorded, the next run sends again.
/// </summary>
public sealed partial class SiteSync(
    NpgsqlDataSource dataSource,
    TenantStore tenants,
    SiteFlagStore flags,
    SyncPlanner planner,
    SiteState state,
    SyncRuns runs,
    JiraClient jira,
    IOptions<SyncOptions> options,
    IOptions<JiraOptions> jiraOptions,
    IOptions<ConnectOptions> connect,
    IOptions<HostOptions> host,
    SyncMetrics metrics,
    TimeProvider time,
    ILogger<SiteSync> logger)
{
    /// <summary>
    /// Runs the site unless it is not active, needs attention, or is being synced elsewhere (then that run goes
    /// round again for us). Loops while triggers arrived during the run.
    /// </summary>
    public async Task<SyncOutcome> RunAsync(string clientKey, string trigger, CancellationToken cancellationToken)
    {
        while (true)
        {
            var tenant = await tenants.FindAsync(clientKey, cancellationToken);
            if (tenant is null || tenant.State != TenantStates.Active)
            {
                return SyncOutcome.Skipped($"the site is {tenant?.State ?? "unknown"}");
            }

            await flags.EnsureAsync(clientKey, cancellationToken);
            // Flag first, lock second: a run that releases the lock checks the flag afterwards, so no trigger is lost.
            await flags.RequestRerunAsync(clientKey, cancellationToken);
            SyncOutcome outcome;
            await using (var siteLock = await SiteLock.TryAcquireAsync(dataSource, clientKey, cancellationToken))
            {
                if (siteLock is null)
                {
                    return SyncOutcome.Skipped("another run of this site is in progress; it will go round again");
                }

                await flags.ClearRerunAsync(clientKey, cancellationToken);
                outcome = await RunLockedAsync(tenant, trigger, cancellationToken);
            }

            if (outcome.Status != SyncOutcome.Succeeded || !await flags.IsRerunRequestedAsync(clientKey, cancellationToken))
            {
                return outcome;
            }

            trigger = "rerun";
        }
    }

    private async Task<SyncOutcome> RunLockedAsync(Tenant tenant, string trigger, CancellationToken cancellationToken)
    {
        var clientKey = tenant.ClientKey;
        var siteFlags = await flags.GetAsync(clientKey, cancellationToken);
        if (siteFlags?.AttentionReason is { } reason)
        {
            return SyncOutcome.Skipped($"the site needs attention: {reason}");
        }

        var full = siteFlags?.FullRequestedAt is not null;
        // Read before planning: every version up to it is committed, so the run covers it all (or the watermark stays).
        var plan = new RunPlan(full, full ? 0 : siteFlags?.PlannedThrough ?? 0, siteFlags?.CatalogVersion ?? 0);
        var (due, gone) = await planner.CountAsync(clientKey, full, plan.Since, cancellationToken);
        var runId = await runs.StartAsync(clientKey, trigger, full, due + gone, cancellationToken);
        using var scope = logger.BeginScope(LogScope.ForRun(clientKey, runId, trigger));
        using var stop = new RunStop(RunStop.GraceWithin(host.Value.ShutdownTimeout), time, cancellationToken);
        var run = new RunRecord(runId, clientKey, trigger, time.GetTimestamp(), new RunProgress(metrics, stop.Stopping));
        LogStarted(logger, clientKey, runId, trigger, due, gone);
        try
        {
            await DeleteGoneAsync(tenant, plan, runId, run.Progress, stop);
            await SendDueAsync(tenant, plan, runId, run.Progress, stop);
            await flags.AdvancePlannedAsync(clientKey, plan.CatalogVersion, siteFlags?.PlanEpoch ?? 0, stop.Work);
            if (full)
            {
                await flags.ClearFullAsync(clientKey, siteFlags!.FullRequestedAt!.Value, stop.Work);
            }

            await FinishAsync(run, SyncOutcome.Succeeded, null);
        }
        catch (JiraAccessDeniedException ex)
        {
            // No retry storm: the site waits for a reinstall, an enable or an operator's sync.
            await flags.MarkAttentionAsync(clientKey, ex.Message, CancellationToken.None);
            await FinishAsync(run, SyncOutcome.NeedsAttention, ex.Message);
            LogNeedsAttention(logger, clientKey, ex.Status);
            return new SyncOutcome(SyncOutcome.NeedsAttention, ex.Message, runId);
        }
        catch (Exception ex) when (stop.IsStopping)
        {
            // Stopped (the app shuts down, or the job was cancelled): the batch in flight has been recorded, or its grace
            // ran out. An OperationCanceledException lets Hangfire put the job back in the queue, so the rest is sent.
            await FinishAsync(run, SyncOutcome.Cancelled, "the run was stopped (the app shut down or the job was cancelled) after its batch in flight; the next run sends the rest");
            if (ex is OperationCanceledException)
            {
                throw;
            }

            throw new OperationCanceledException("The sync run was stopped.", ex, stop.Stopping);
        }
        catch (Exception ex) when (ex is JiraRequestException or NpgsqlException or HttpRequestException)
        {
            LogFailed(logger, ex, clientKey);
            try
            {
                await FinishAsync(run, SyncOutcome.Failed, ex.Message);
            }
            catch (NpgsqlException recording)
            {
                // The database went away (often the very cause): the run stays 'running' in sync_runs until the next
                // run of the site marks it interrupted. Nothing is lost: whatever was not recorded is sent again.
                LogNotRecorded(logger, recording, clientKey);
            }

            return new SyncOutcome(SyncOutcome.Failed, ex.Message, runId);
        }
        catch (Exception ex)
        {
            await FinishAsync(run, SyncOutcome.Failed, ex.Message);
            throw;
        }

        // Outside the run's record: the run has succeeded whatever happens to the housekeeping.
        await TombstonePurge.RunAsync(dataSource, stop.Work);
        return new SyncOutcome(SyncOutcome.Succeeded, null, runId);
    }
}

/// <summary>What a run covers: everything (full), or what changed after the site's watermark Since, up to CatalogVersion.</summary>
public sealed record RunPlan(bool Full, long Since, long CatalogVersion);

/// <summary>How a run ended. Status is one of the sync_runs outcomes, or "skipped" when no run was started.</summary>
public sealed record SyncOutcome(string Status, string? Detail, long? RunId)
{
    public const string Succeeded = "succeeded";
    public const string Failed = "failed";
    public const string Cancelled = "cancelled";
    public const string NeedsAttention = "needs-attention";
    public const string SkippedStatus = "skipped";

    public static SyncOutcome Skipped(string why) => new(SkippedStatus, why, null);
}
