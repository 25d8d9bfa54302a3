using System.Collections.Concurrent;

namespace DevOpsProvider.JiraEmulator;

/// <summary>
/// One API call the app made to a site. <paramref name="Path"/> is relative to the site's baseUrl, as sent (query
/// included); <paramref name="Status"/> is 0 when the connection was dropped on purpose.
/// </summary>
public sealed record ReceivedRequest(DateTimeOffset At, string ClientKey, string Method, string Path, int Status, int ComponentCount, bool JwtVerified, long BodyBytes);

/// <summary>The calls the app made, newest last; the oldest are forgotten beyond <see cref="Capacity"/>.</summary>
internal sealed class RequestLog
{
    public const int Capacity = 100_000;
    private readonly ConcurrentQueue<ReceivedRequest> _entries = new();

    public void Add(ReceivedRequest request)
    {
        _entries.Enqueue(request);
        while (_entries.Count > Capacity && _entries.TryDequeue(out _))
        {
        }
    }

    public IReadOnlyList<ReceivedRequest> Snapshot() => _entries.ToArray();

    public void Clear() => _entries.Clear();
}
