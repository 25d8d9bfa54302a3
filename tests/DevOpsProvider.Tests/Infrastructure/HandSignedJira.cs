using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace DevOpsProvider.Tests.Infrastructure;

/// <summary>
/// A Jira site played by hand: builds lifecycle callbacks and signs them like Jira (or wrongly, on purpose).
/// Used where a test needs to control every byte; the emulator plays Jira everywhere else.
/// </summary>
public sealed class HandSignedJira(TestApp app, InstallKeyServer keys)
{
    public string ClientKey { get; set; } = "client-" + Guid.NewGuid().ToString("N")[..12];

    public string SharedSecret { get; set; } = "secret-" + Guid.NewGuid().ToString("N");

    public string BaseUrl { get; set; } = $"https://site-{Guid.NewGuid().ToString("N")[..8]}.atlassian.net";

    public JsonObject Body(string eventType, bool withSecret)
    {
        var body = new JsonObject
        {
            ["key"] = "devops-component-provider",
            ["clientKey"] = ClientKey,
            ["baseUrl"] = BaseUrl,
            ["displayUrl"] = BaseUrl,
            ["productType"] = "jira",
            ["description"] = "Atlassian JIRA at " + BaseUrl,
            ["serviceEntitlementNumber"] = "SEN-1234",
            ["oauthClientId"] = "oauth-" + ClientKey,
            ["eventType"] = eventType,
            ["installationId"] = "ari:cloud:ecosystem::installation/" + ClientKey,
            ["cloudId"] = "cloud-" + ClientKey,
        };
        if (withSecret)
        {
            body["sharedSecret"] = SharedSecret;
        }

        return body;
    }

    /// <summary>POSTs installed or uninstalled signed RS256 with the key server's key (or the given token).</summary>
    public Task<HttpResponseMessage> SendSignedAsync(string eventType, string? token = null, JsonObject? body = null)
    {
        var path = "/" + eventType;
        token ??= JiraTokens.SignedInstall(keys.Key, keys.KeyId, ClientKey, app.BaseUrl, "POST", path);
        return PostAsync(path, token, body ?? Body(eventType, withSecret: eventType == "installed"));
    }

    public async Task InstallAsync()
    {
        using var response = await SendSignedAsync("installed");
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"install failed: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()} {app.Errors}");
        }
    }

    /// <summary>POSTs enabled or disabled signed HS256 with the site's secret (or the given token).</summary>
    public Task<HttpResponseMessage> SendHs256Async(string eventType, string? token = null, string? secret = null)
    {
        var path = "/" + eventType;
        token ??= JiraTokens.Hs256(ClientKey, secret ?? SharedSecret, "POST", path);
        return PostAsync(path, token, Body(eventType, withSecret: false));
    }

    public async Task<HttpResponseMessage> PostAsync(string path, string? token, JsonNode body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path.TrimStart('/'))
        {
            Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"),
        };
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("JWT", token);
        }

        return await app.Client.SendAsync(request);
    }
}
