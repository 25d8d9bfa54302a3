using System.Globalization;
using System.Net;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Polly;
using Polly.Timeout;

namespace DevOpsProvider.Web.Sync;

/// <summary>
/// Retries of app-to-Jira requests. 429 and 503 wait as Jira says (Retry-After in seconds or as a date, or
/// X-RateLimit-Reset); other 5xx, attempt timeouts and dropped connections back off exponentially with jitter; all
/// bounded by Sync:MaxRetries and Sync:MaxRetryDelay. 401, 403, 400 and 413 are never retried here: retrying cannot
/// cure them (the run handles 413 by halving the batch, 401/403 by stopping the site).
/// A resent bulk submission is harmless: Jira keeps the higher updateSequenceNumber.
/// </summary>
public static class JiraResilience
{
    public static void Configure(ResiliencePipelineBuilder<HttpResponseMessage> pipeline, ResilienceHandlerContext context)
    {
        var options = context.ServiceProvider.GetRequiredService<IOptions<SyncOptions>>().Value;
        var time = context.ServiceProvider.GetRequiredService<TimeProvider>();
        pipeline.TimeProvider = time;
        pipeline.AddRetry(new HttpRetryStrategyOptions
        {
            MaxRetryAttempts = options.MaxRetries,
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = true,
            Delay = options.RetryBaseDelay,
            MaxDelay = options.MaxRetryDelay,
            ShouldRetryAfterHeader = false,
            // Once the app is stopping, the attempt in flight may finish but no retry starts (RunStop).
            ShouldHandle = args => ValueTask.FromResult(IsTransient(args.Outcome) && !IsStopping(args.Context.GetRequestMessage())),
            DelayGenerator = args => ValueTask.FromResult(ServerDelay(args.Outcome.Result, time.GetUtcNow(), options.MaxRetryDelay)),
            OnRetry = args =>
            {
                var request = args.Context.GetRequestMessage();
                if (request is not null && request.Options.TryGetValue(JiraRequest.CountersKey, out var counters))
                {
                    counters.AddRetry();
                }

                return ValueTask.CompletedTask;
            },
        });
        // Inside the retry: each attempt gets its own timeout, so a slow answer is abandoned and retried.
        pipeline.AddTimeout(options.RequestTimeout);
    }

    private static bool IsStopping(HttpRequestMessage? request)
        => request is not null && request.Options.TryGetValue(JiraRequest.CountersKey, out var counters) && counters.Stopping.IsCancellationRequested;

    public static bool IsTransient(Outcome<HttpResponseMessage> outcome) => outcome switch
    {
        { Exception: HttpRequestException or TimeoutRejectedException or IOException } => true,
        { Result: { } response } => response.StatusCode == HttpStatusCode.TooManyRequests || (int)response.StatusCode >= 500,
        _ => false,
    };

    /// <summary>The wait the server asked for on 429/503, capped; null lets the exponential backoff decide.</summary>
    public static TimeSpan? ServerDelay(HttpResponseMessage? response, DateTimeOffset now, TimeSpan max)
    {
        if (response is null || (response.StatusCode != HttpStatusCode.TooManyRequests && response.StatusCode != HttpStatusCode.ServiceUnavailable))
        {
            return null;
        }

        TimeSpan? wait = null;
        if (response.Headers.RetryAfter is { } retryAfter)
        {
            wait = retryAfter.Delta ?? (retryAfter.Date is { } date ? date - now : null);
        }
        else if (response.Headers.TryGetValues("X-RateLimit-Reset", out var values))
        {
            wait = ParseReset(values.FirstOrDefault(), now);
        }

        if (wait is null)
        {
            return null;
        }

        return wait.Value < TimeSpan.Zero ? TimeSpan.Zero : wait.Value > max ? max : wait.Value;
    }

    /// <summary>
    /// Atlassian documents X-RateLimit-Reset as an ISO 8601 timestamp; other gateways send epoch seconds or a number
    /// of seconds to wait. All three are understood.
    /// </summary>
    public static TimeSpan? ParseReset(string? value, DateTimeOffset now)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        if (double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var number))
        {
            return number > 1_000_000_000
                ? DateTimeOffset.FromUnixTimeMilliseconds((long)(number * 1000)) - now
                : TimeSpan.FromSeconds(number);
        }

        return DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at) ? at - now : null;
    }
}
