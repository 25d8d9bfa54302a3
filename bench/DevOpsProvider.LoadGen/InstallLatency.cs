using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using DevOpsProvider.Connect;

namespace DevOpsProvider.LoadGen;

/// <summary>Latencies (ms) of one kind of signed install: median, 90th percentile, max.</summary>
public sealed record LatencySummary(int Count, double MedianMs, double P90Ms, double MaxMs)
{
    public static LatencySummary Of(List<double> samples)
    {
        samples.Sort();
        return new LatencySummary(samples.Count, samples[samples.Count / 2], samples[(int)Math.Ceiling(samples.Count * 0.9) - 1], samples[^1]);
    }

    public override string ToString()
        => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"n={Count}  median {MedianMs:F2} ms  p90 {P90Ms:F2} ms  max {MaxMs:F2} ms");
}

/// <summary>
/// POST /installed signed RS256 by hand, as Atlassian signs it: with a kid the app has cached, and with a new kid the
/// app must first fetch from its install key server (here on loopback). Alternated, so drift hits both alike.
/// Each call is a reinstall of the same tenant: verification, the tenant upsert and its event row.
/// </summary>
public static class InstallLatency
{
    public static async Task<(LatencySummary Cached, LatencySummary Uncached)> MeasureAsync(string appBaseUrl, InstallKeyServer keys, int rounds)
    {
        using var http = new HttpClient { BaseAddress = new Uri(appBaseUrl + "/") };
        var clientKey = "bench-install-" + Guid.NewGuid().ToString("N")[..12];
        var body = new JsonObject
        {
            ["key"] = "devops-component-provider",
            ["clientKey"] = clientKey,
            ["sharedSecret"] = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)),
            ["baseUrl"] = "http://127.0.0.1:9/jira-install-bench",
            ["productType"] = "jira",
            ["description"] = "install latency benchmark",
            ["eventType"] = "installed",
        }.ToJsonString();
        var qsh = QueryStringHash.Compute("POST", "/installed", "", "");
        const string cachedKid = "bench-cached";

        // The first call with the cached kid fetches it, and warms the app's code paths and connection pool.
        for (var i = 0; i < 5; i++)
        {
            await PostAsync(http, keys.Sign(i == 0 ? cachedKid : "bench-warm-" + i, clientKey, appBaseUrl, qsh), body);
        }

        var cached = new List<double>();
        var uncached = new List<double>();
        for (var i = 0; i < rounds; i++)
        {
            cached.Add(await PostAsync(http, keys.Sign(cachedKid, clientKey, appBaseUrl, qsh), body));
            uncached.Add(await PostAsync(http, keys.Sign("bench-" + Guid.NewGuid().ToString("N"), clientKey, appBaseUrl, qsh), body));
        }

        return (LatencySummary.Of(cached), LatencySummary.Of(uncached));
    }

    private static async Task<double> PostAsync(HttpClient http, string token, string body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "installed") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Authorization = new AuthenticationHeaderValue("JWT", token);
        var start = Stopwatch.GetTimestamp();
        using var response = await http.SendAsync(request);
        await response.Content.ReadAsByteArrayAsync();
        var ms = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        return response.IsSuccessStatusCode
            ? ms
            : throw new InvalidOperationException($"installed answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
    }
}
