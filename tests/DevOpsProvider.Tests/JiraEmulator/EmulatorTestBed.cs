using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using DevOpsProvider.Connect;
using DevOpsProvider.JiraEmulator;

namespace DevOpsProvider.Tests.JiraEmulator;

/// <summary>
/// A running emulator with the mini app installed on one site, plus a client that calls the site's API as an app
/// does: signed with the project's own ConnectJwt and QueryStringHash.
/// </summary>
public sealed class EmulatorTestBed : IAsyncDisposable
{
    private EmulatorTestBed(JiraEmulatorServer emulator, MiniConnectApp app, EmulatorSite site, TimeProvider time)
    {
        Emulator = emulator;
        App = app;
        Site = site;
        Time = time;
    }

    public JiraEmulatorServer Emulator { get; }

    public MiniConnectApp App { get; }

    public EmulatorSite Site { get; }

    public TimeProvider Time { get; }

    public HttpClient Http { get; } = new();

    public static async Task<EmulatorTestBed> StartAsync(
        EmulatorOptions? options = null, TimeProvider? time = null, Action<JsonObject>? changeDescriptor = null)
    {
        time ??= TimeProvider.System;
        var emulator = await JiraEmulatorServer.StartAsync(options, time: time);
        var app = await MiniConnectApp.StartAsync();
        changeDescriptor?.Invoke(app.Descriptor);
        var site = await emulator.InstallAsync(app.DescriptorUrl);
        return new EmulatorTestBed(emulator, app, site, time);
    }

    /// <summary>A token as the app signs it: iss = app key, HS256 with the site's secret, qsh over the request relative to the site's context path.</summary>
    public string Token(HttpMethod method, string pathAndQuery, string? secret = null, string? issuer = null, DateTimeOffset? issuedAt = null)
    {
        var qsh = QueryStringHash.Compute(method.Method, Site.BaseUrl + pathAndQuery, new Uri(Site.BaseUrl).AbsolutePath);
        return ConnectJwt.Create(issuer ?? Site.AppKey, secret ?? Site.SharedSecret, qsh, issuedAt ?? Time.GetUtcNow(), TimeSpan.FromMinutes(3));
    }

    /// <summary>Calls the site's API; <paramref name="token"/> replaces the correct token ("" sends none).</summary>
    public async Task<HttpResponseMessage> SendAsync(HttpMethod method, string pathAndQuery, string? json = null, string? token = null)
    {
        using var request = new HttpRequestMessage(method, Site.BaseUrl + pathAndQuery);
        token ??= Token(method, pathAndQuery);
        if (token.Length > 0)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("JWT", token);
        }

        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        return await Http.SendAsync(request);
    }

    public const string Bulk = "/rest/devopscomponents/1.0/bulk";

    public Task<HttpResponseMessage> SubmitAsync(params JsonObject[] components)
        => SendAsync(HttpMethod.Post, Bulk, Components.Submission(components).ToJsonString());

    public Task<HttpResponseMessage> GetAsync(string id)
        => SendAsync(HttpMethod.Get, "/rest/devopscomponents/1.0/" + Uri.EscapeDataString(id));

    public Task<HttpResponseMessage> DeleteAsync(string id)
        => SendAsync(HttpMethod.Delete, "/rest/devopscomponents/1.0/" + Uri.EscapeDataString(id));

    public static async Task<JsonNode> JsonAsync(HttpResponseMessage response) => JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await Emulator.DisposeAsync();
        await App.DisposeAsync();
    }
}

/// <summary>Valid components and submissions, for tests to break one field at a time.</summary>
public static class Components
{
    public static JsonObject Valid(string id, long updateSequenceNumber = 1, string name = "Galactus") => new()
    {
        ["schemaVersion"] = "1.0",
        ["id"] = id,
        ["updateSequenceNumber"] = updateSequenceNumber,
        ["name"] = name,
        ["providerName"] = "Marvel",
        ["description"] = "Devourer of worlds",
        ["url"] = "https://example.com/components/" + Uri.EscapeDataString(id),
        ["avatarUrl"] = "https://example.com/avatars/galactus.png",
        ["tier"] = "Tier 1",
        ["componentType"] = "Service",
        ["lastUpdated"] = "2018-01-20T23:27:25.000Z",
    };

    public static JsonObject Submission(IEnumerable<JsonObject> components, JsonObject? properties = null, string arrayName = "components")
    {
        var body = new JsonObject { [arrayName] = new JsonArray([.. components]) };
        if (properties is not null)
        {
            body["properties"] = properties;
        }

        return body;
    }
}
