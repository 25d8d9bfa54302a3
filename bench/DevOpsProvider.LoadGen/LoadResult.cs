using System.Diagnostics;
using System.Globalization;

namespace DevOpsProvider.LoadGen;

/// <summary>The measured window: throughput, latency percentiles (ms), answers by status, errors, server CPU.</summary>
public sealed record LoadResult(
    long Requests, double Seconds, double RequestsPerSecond, double P50Ms, double P90Ms, double P99Ms, double MaxMs,
    IReadOnlyDictionary<int, long> Statuses, long Errors, string? LastError, double ServerCpuSeconds, double DatabaseCpuSeconds)
{
    /// <summary>Answers other than 2xx plus connection errors.</summary>
    public long Failures => Errors + Statuses.Where(s => s.Key is < 200 or > 299).Sum(s => s.Value);

    /// <summary>Server CPU time per request in microseconds (all of the server's processes that the probe counts).</summary>
    public double CpuMicrosPerRequest => Requests == 0 ? 0 : ServerCpuSeconds * 1e6 / Requests;

    internal static LoadResult From(IReadOnlyList<ConnectionStats> connections, TimeSpan elapsed, double cpuSeconds, double databaseCpuSeconds)
    {
        var all = connections.SelectMany(c => c.Latencies).ToArray();
        Array.Sort(all);
        var statuses = new Dictionary<int, long>();
        foreach (var (status, count) in connections.SelectMany(c => c.Statuses))
        {
            statuses[status] = statuses.GetValueOrDefault(status) + count;
        }

        var seconds = elapsed.TotalSeconds;
        return new LoadResult(all.Length, seconds, all.Length / seconds, Percentile(all, 0.50), Percentile(all, 0.90),
            Percentile(all, 0.99), all.Length == 0 ? 0 : Ms(all[^1]), statuses, connections.Sum(c => c.Errors),
            connections.Select(c => c.LastError).LastOrDefault(e => e is not null), cpuSeconds, databaseCpuSeconds);
    }

    public string Describe()
    {
        var codes = string.Join(' ', Statuses.OrderBy(s => s.Key).Select(s => $"{s.Key}x{s.Value}"));
        return string.Create(CultureInfo.InvariantCulture,
            $"{RequestsPerSecond,9:F0} req/s  p50 {P50Ms,6:F2} ms  p90 {P90Ms,6:F2} ms  p99 {P99Ms,6:F2} ms  max {MaxMs,7:F2} ms  " +
            $"n={Requests} [{codes}] errors={Errors}{(LastError is null ? "" : $" ({LastError})")}  server CPU {ServerCpuSeconds:F1} s ({CpuMicrosPerRequest:F0} us/req), PostgreSQL CPU {DatabaseCpuSeconds:F1} s");
    }

    private static double Percentile(long[] sorted, double p)
        => sorted.Length == 0 ? 0 : Ms(sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)]);

    private static double Ms(long ticks) => ticks * 1000.0 / Stopwatch.Frequency;
}
