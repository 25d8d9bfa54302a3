namespace DevOpsProvider.Web.Sync;

/// <summary>
/// How a run ends when the app stops. The stop signal (the job's token: Hangfire cancels it as its server stops)
/// starts no further batch; the batch in flight is not cut off mid-request: its request and the recording of its
/// outcome use <see cref="Work"/>, which is cancelled only when <paramref name="grace"/> has passed since the signal.
/// The grace leaves the last seconds of the host's shutdown timeout for recording the run as cancelled.
/// </summary>
public sealed class RunStop : IDisposable
{
    /// <summary>What the grace leaves of the shutdown timeout to record the run's end.</summary>
    public static readonly TimeSpan RecordingTime = TimeSpan.FromSeconds(5);

    private readonly CancellationTokenSource _work;
    private readonly CancellationTokenRegistration _onStop;

    public RunStop(TimeSpan grace, TimeProvider time, CancellationToken stopping)
    {
        Stopping = stopping;
        // The timer runs on the injected clock; it is armed only when the stop signal comes.
        _work = new CancellationTokenSource(Timeout.InfiniteTimeSpan, time);
        _onStop = stopping.Register(() => _work.CancelAfter(grace));
    }

    /// <summary>The grace of a request in flight within a shutdown timeout.</summary>
    public static TimeSpan GraceWithin(TimeSpan shutdownTimeout)
        => shutdownTimeout - RecordingTime > TimeSpan.FromSeconds(1) ? shutdownTimeout - RecordingTime : TimeSpan.FromSeconds(1);

    public CancellationToken Stopping { get; }

    /// <summary>The token of the run's requests and writes: it outlives the stop signal by the grace.</summary>
    public CancellationToken Work => _work.Token;

    public bool IsStopping => Stopping.IsCancellationRequested;

    /// <summary>Called before each batch (and each single delete): none starts once the app is stopping.</summary>
    public void ThrowIfStopping() => Stopping.ThrowIfCancellationRequested();

    public void Dispose()
    {
        _onStop.Dispose();
        _work.Dispose();
    }
}
