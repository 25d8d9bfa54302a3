using System.Diagnostics.Metrics;
using DevOpsProvider.Web.Operations;

namespace DevOpsProvider.Web.Sync;

/// <summary>
/// The sync's instruments on the app's meter. No instrument is tagged by site: sites are unbounded, and a time series
/// per site would grow the scrape with every install. Per-site figures are in sync_runs and on the dashboard.
/// </summary>
public sealed class SyncMetrics
{
    public const string Sent = "sent";
    public const string Accepted = "accepted";
    public const string Failed = "failed";
    public const string Deleted = "deleted";

    // Runs take from well under a second (a delta) to many minutes (a full sync of 100,000 under rate limits).
    private static readonly double[] RunBuckets = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800, 3600];

    private readonly Counter<long> _jiraRequests;
    private readonly Counter<long> _components;
    private readonly Histogram<double> _runDuration;

    public SyncMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(Metrics.MeterName);
        _jiraRequests = meter.CreateCounter<long>("devops_provider.jira.requests", "{request}",
            "Requests to Jira by operation and HTTP status, one per attempt (a retried request counts again); status is 'error' when no answer came and 'cancelled' when the attempt timed out or the run was aborted");
        _components = meter.CreateCounter<long>("devops_provider.sync.components", "{component}",
            "Components by outcome: sent in bulk requests (= accepted + failed), accepted or failed by Jira, deleted from Jira");
        _runDuration = meter.CreateHistogram("devops_provider.sync.run.duration", "s",
            "Duration of sync runs by outcome (succeeded, failed, cancelled, needs-attention) and trigger",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = RunBuckets });
    }

    public void JiraRequest(string operation, string status)
        => _jiraRequests.Add(1, new KeyValuePair<string, object?>("operation", operation), new KeyValuePair<string, object?>("status", status));

    public void Components(string outcome, int count)
    {
        if (count > 0)
        {
            _components.Add(count, new KeyValuePair<string, object?>("outcome", outcome));
        }
    }

    public void RunFinished(string outcome, string trigger, TimeSpan duration)
        => _runDuration.Record(duration.TotalSeconds, new KeyValuePair<string, object?>("outcome", outcome), new KeyValuePair<string, object?>("trigger", trigger));
}
