namespace DevOpsProvider.JiraEmulator;

/// <summary>What a scripted fault makes the site do.</summary>
public enum FaultKind
{
    /// <summary>429 with Retry-After and X-RateLimit-Reset.</summary>
    TooManyRequests,

    /// <summary>503 with Retry-After (maintenance).</summary>
    ServiceUnavailable,

    /// <summary>500.</summary>
    InternalServerError,

    /// <summary>Wait, then answer normally.</summary>
    Slow,

    /// <summary>Abort the connection without an answer.</summary>
    DropConnection,

    /// <summary>401, as if the shared secret had been rotated behind the app's back.</summary>
    Unauthorized,
}

/// <summary>
/// Faults on demand for one site's API: the next N calls fail in a chosen way, and/or a token-bucket rate limit.
/// Off by default.
/// </summary>
public sealed class SiteFaults
{
    private static readonly TimeSpan DefaultRetryAfter = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan DefaultSlowDelay = TimeSpan.FromSeconds(2);

    private readonly Lock _lock = new();
    private readonly Queue<Fault> _scripted = new();
    private readonly TimeProvider _time;
    private double? _ratePerSecond;
    private bool _down;
    private double _tokens;
    private DateTimeOffset _refilledAt;

    internal SiteFaults(TimeProvider time) => _time = time;

    /// <summary>The next <paramref name="count"/> API calls fail with <paramref name="kind"/>.</summary>
    public void FailNext(int count, FaultKind kind, TimeSpan? retryAfter = null, TimeSpan? delay = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (!Enum.IsDefined(kind))
        {
            throw new ArgumentOutOfRangeException(nameof(kind), kind, "unknown fault kind");
        }

        var fault = new Fault(kind, retryAfter ?? DefaultRetryAfter, delay ?? DefaultSlowDelay);
        lock (_lock)
        {
            for (var i = 0; i < count; i++)
            {
                _scripted.Enqueue(fault);
            }
        }
    }

    /// <summary>Requests per second above which calls get 429 with Retry-After; null turns the limit off.</summary>
    public double? RateLimitPerSecond
    {
        get
        {
            lock (_lock)
            {
                return _ratePerSecond;
            }
        }

        set
        {
            if (value is <= 0 or double.NaN or double.PositiveInfinity)
            {
                throw new ArgumentOutOfRangeException(nameof(value), value, "the rate must be a positive number of requests per second");
            }

            lock (_lock)
            {
                _ratePerSecond = value;
                _tokens = Capacity;
                _refilledAt = _time.GetUtcNow();
            }
        }
    }

    /// <summary>
    /// While true the site is down: every call's connection is dropped without an answer, however many retries the
    /// app makes, until it is set back to false (or <see cref="Clear"/>).
    /// </summary>
    public bool Down
    {
        get
        {
            lock (_lock)
            {
                return _down;
            }
        }

        set
        {
            lock (_lock)
            {
                _down = value;
            }
        }
    }

    public void Clear()
    {
        lock (_lock)
        {
            _scripted.Clear();
            _ratePerSecond = null;
            _down = false;
        }
    }

    /// <summary>The fault the next call meets, if any: an outage first, then scripted faults, then the rate limit.</summary>
    internal Fault? Take()
    {
        lock (_lock)
        {
            if (_down)
            {
                return new Fault(FaultKind.DropConnection, TimeSpan.Zero, TimeSpan.Zero);
            }

            if (_scripted.TryDequeue(out var fault))
            {
                return fault;
            }

            if (_ratePerSecond is not { } rate)
            {
                return null;
            }

            var now = _time.GetUtcNow();
            _tokens = Math.Min(Capacity, _tokens + ((now - _refilledAt).TotalSeconds * rate));
            _refilledAt = now;
            if (_tokens >= 1)
            {
                _tokens -= 1;
                return null;
            }

            var wait = TimeSpan.FromSeconds((1 - _tokens) / rate);
            return new Fault(FaultKind.TooManyRequests, wait, TimeSpan.Zero);
        }
    }

    /// <summary>A burst of one second's worth of requests (at least one) is allowed, then the steady rate.</summary>
    private double Capacity => Math.Max(1, _ratePerSecond ?? 1);
}

internal readonly record struct Fault(FaultKind Kind, TimeSpan RetryAfter, TimeSpan Delay);
