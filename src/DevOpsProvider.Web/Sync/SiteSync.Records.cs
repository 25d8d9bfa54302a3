namespace DevOpsProvider.Web.Sync;

/// <summary>How a run's end is recorded: sync_runs, the metrics and the log, whatever the outcome.</summary>
public sealed partial class SiteSync
{
    /// <summary>Records how the run ended (even when it was stopped), in sync_runs, the metrics and the log.</summary>
    private async Task FinishAsync(RunRecord run, string outcome, string? error)
    {
        await runs.FinishAsync(run.Id, run.ClientKey, outcome, error, run.Progress, options.Value.RunHistoryPerSite);
        var duration = time.GetElapsedTime(run.StartedAt);
        metrics.RunFinished(outcome, run.Trigger, duration);
        var p = run.Progress;
        LogFinished(logger, run.ClientKey, run.Id, outcome, p.Sent, p.Accepted, p.Failed, p.Deleted, p.Counters.Requests, duration.TotalSeconds);
    }

    private sealed record RunRecord(long Id, string ClientKey, string Trigger, long StartedAt, RunProgress Progress);

    [LoggerMessage(Level = LogLevel.Information, Message = "Sync run {RunId} of site {ClientKey} started ({Trigger}): {Due} to send, {Gone} to delete")]
    private static partial void LogStarted(ILogger logger, string clientKey, long runId, string trigger, int due, int gone);

    [LoggerMessage(Level = LogLevel.Information,
        Message = "Sync run {RunId} of site {ClientKey} {Outcome}: {Sent} sent, {Accepted} accepted, {Failed} failed, {Deleted} deleted in {Requests} requests, {Seconds:F1} s")]
    private static partial void LogFinished(ILogger logger, string clientKey, long runId, string outcome, int sent, int accepted, int failed, int deleted, int requests, double seconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sync of site {ClientKey} stopped: Jira answered {Status}; the site needs attention")]
    private static partial void LogNeedsAttention(ILogger logger, string clientKey, int status);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The end of the failed sync run of site {ClientKey} could not be recorded")]
    private static partial void LogNotRecorded(ILogger logger, Exception exception, string clientKey);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sync run of site {ClientKey} failed")]
    private static partial void LogFailed(ILogger logger, Exception exception, string clientKey);
}
