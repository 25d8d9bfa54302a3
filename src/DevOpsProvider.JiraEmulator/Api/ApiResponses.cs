using System.Globalization;
using System.Text.Json;

namespace DevOpsProvider.JiraEmulator;

/// <summary>Jira's error bodies (a list of {message}) and the answers of scripted faults.</summary>
internal static class ApiResponses
{
    public static async Task ErrorsAsync(HttpContext context, int status, params string[] messages)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        await using var writer = new Utf8JsonWriter(context.Response.Body);
        writer.WriteStartArray();
        foreach (var message in messages)
        {
            writer.WriteStartObject();
            writer.WriteString("message", message);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
    }

    /// <summary>Acts out a fault; true when the call is answered (or dropped) by it, false when it goes on (slow).</summary>
    public static async Task<bool> FaultAsync(HttpContext context, Fault fault, TimeProvider time)
    {
        switch (fault.Kind)
        {
            case FaultKind.Slow:
                await Task.Delay(fault.Delay, time, context.RequestAborted);
                return false;
            case FaultKind.DropConnection:
                context.Abort();
                throw new OperationCanceledException("connection dropped by a scripted fault", context.RequestAborted);
            case FaultKind.TooManyRequests:
                var retryAfter = RetryAfterSeconds(fault.RetryAfter);
                context.Response.Headers.RetryAfter = retryAfter.ToString(CultureInfo.InvariantCulture);
                // Jira's rate-limit reset is an ISO 8601 timestamp.
                context.Response.Headers["X-RateLimit-Reset"] = (time.GetUtcNow() + TimeSpan.FromSeconds(retryAfter))
                    .ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
                await ErrorsAsync(context, StatusCodes.Status429TooManyRequests, "rate limit exceeded: retry later");
                return true;
            case FaultKind.ServiceUnavailable:
                context.Response.Headers.RetryAfter = RetryAfterSeconds(fault.RetryAfter).ToString(CultureInfo.InvariantCulture);
                await ErrorsAsync(context, StatusCodes.Status503ServiceUnavailable, "Jira is under maintenance: retry later");
                return true;
            case FaultKind.Unauthorized:
                context.Response.Headers.WWWAuthenticate = "JWT";
                await ErrorsAsync(context, StatusCodes.Status401Unauthorized, "signature does not verify");
                return true;
            default:
                await ErrorsAsync(context, StatusCodes.Status500InternalServerError, "an internal error occurred");
                return true;
        }
    }

    /// <summary>Retry-After is whole seconds; a wait under a second still says 1.</summary>
    private static long RetryAfterSeconds(TimeSpan wait) => Math.Max(1, (long)Math.Ceiling(wait.TotalSeconds));
}
