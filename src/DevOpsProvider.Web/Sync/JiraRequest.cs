using DevOpsProvider.Web.Connect;

namespace DevOpsProvider.Web.Sync;

/// <summary>What travels with one Jira request through the handlers: the site it is for, the operation, the run's counters.</summary>
public static class JiraRequest
{
    public static readonly HttpRequestOptionsKey<Tenant> TenantKey = new("devops-provider.tenant");

    /// <summary>submit, get, delete or delete-by-properties: the operation tag of the request metrics.</summary>
    public static readonly HttpRequestOptionsKey<string> OperationKey = new("devops-provider.operation");

    public static readonly HttpRequestOptionsKey<RequestCounters> CountersKey = new("devops-provider.counters");
}

/// <summary>
/// Requests and retries of one run, counted by the handlers (shared across the run's requests), and the run's stop
/// signal: once the app is stopping, a failed attempt is not retried (RunStop).
/// </summary>
public sealed class RequestCounters(CancellationToken stopping = default)
{
    private int _requests;
    private int _retries;
    private long _bytesSent;

    public int Requests => Volatile.Read(ref _requests);

    public int Retries => Volatile.Read(ref _retries);

    public long BytesSent => Interlocked.Read(ref _bytesSent);

    public CancellationToken Stopping => stopping;

    public void AddRequest(long bodyBytes)
    {
        Interlocked.Increment(ref _requests);
        Interlocked.Add(ref _bytesSent, bodyBytes);
    }

    public void AddRetry() => Interlocked.Increment(ref _retries);
}

/// <summary>Jira refused our credentials (401) or the app's access (403): the site's runs stop until someone acts.</summary>
public sealed class JiraAccessDeniedException(int status, string detail)
    : Exception($"Jira answered {status}: {detail}")
{
    public int Status { get; } = status;
}

/// <summary>Jira answered 413: the caller sends fewer components.</summary>
public sealed class JiraPayloadTooLargeException() : Exception("Jira answered 413: the request body is too large");

/// <summary>Jira answered with an error that retries did not cure (or that retrying cannot cure, such as 400).</summary>
public sealed class JiraRequestException(int? status, string message, Exception? inner = null) : Exception(message, inner)
{
    public int? Status { get; } = status;
}
