using System.Diagnostics.Metrics;
using DevOpsProvider.Web.Operations;
using Hangfire;
using Hangfire.Storage;
using Npgsql;

namespace DevOpsProvider.Web.Sync;

/// <summary>
/// Hangfire's backlog as gauges, read from its monitoring API when Prometheus scrapes (a few counts in PostgreSQL): jobs
/// waiting per queue, and jobs by state. A queue that keeps growing means the workers cannot keep up with the sites.
/// </summary>
public sealed class JobQueueMetrics
{
    private readonly JobStorage _storage;
    private readonly ILogger<JobQueueMetrics> _logger;

    public JobQueueMetrics(IMeterFactory meters, JobStorage storage, ILogger<JobQueueMetrics> logger)
    {
        _storage = storage;
        _logger = logger;
        var meter = meters.Create(Metrics.MeterName);
        meter.CreateObservableGauge("devops_provider.hangfire.queue.length", QueueLengths, "{job}",
            "Jobs waiting in each Hangfire queue (enqueued, not yet fetched by a worker)");
        meter.CreateObservableGauge("devops_provider.hangfire.jobs", JobsByState, "{job}",
            "Hangfire jobs by state: enqueued, scheduled (debounced and delayed runs), processing, failed");
    }

    private IEnumerable<Measurement<long>> QueueLengths()
    {
        var queues = Read(monitoring => monitoring.Queues()) ?? [];
        var lengths = queues.ToDictionary(q => q.Name, q => q.Length);
        // The queue the workers listen on is always reported, even while Hangfire holds no row of it.
        lengths.TryAdd("default", 0);
        return lengths.Select(q => new Measurement<long>(q.Value, new KeyValuePair<string, object?>("queue", q.Key)));
    }

    private IEnumerable<Measurement<long>> JobsByState()
    {
        if (Read(monitoring => monitoring.GetStatistics()) is not { } stats)
        {
            return [];
        }

        return
        [
            new(stats.Enqueued, new KeyValuePair<string, object?>("state", "enqueued")),
            new(stats.Scheduled, new KeyValuePair<string, object?>("state", "scheduled")),
            new(stats.Processing, new KeyValuePair<string, object?>("state", "processing")),
            new(stats.Failed, new KeyValuePair<string, object?>("state", "failed")),
        ];
    }

    /// <summary>A storage that does not answer leaves the gauges out of this scrape (the health check reports it).</summary>
    private T? Read<T>(Func<IMonitoringApi, T> read)
        where T : class
    {
        try
        {
            return read(_storage.GetMonitoringApi());
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException or InvalidOperationException)
        {
            _logger.LogWarning("Hangfire queue metrics are not available: {Error}", ex.GetType().Name);
            return null;
        }
    }
}
