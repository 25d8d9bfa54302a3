using System.Net;
using System.Net.Http.Json;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using DevOpsProvider.JiraEmulator;

namespace DevOpsProvider.Tests.JiraEmulator;

/// <summary>The /_emulator contract scripts depend on, and the page at /.</summary>
public sealed class InspectionApiTests : IAsyncLifetime, IDisposable
{
    private EmulatorTestBed _bed = null!;
    private readonly HttpClient _http = new();

    private string Sites => _bed.Emulator.BaseUrl + "/_emulator/sites";

    public async Task InitializeAsync() => _bed = await EmulatorTestBed.StartAsync();

    public async Task DisposeAsync() => await _bed.DisposeAsync();

    public void Dispose() => _http.Dispose();

    [Fact]
    public async Task Components_ListsEachStoredComponentWithItsProperties()
    {
        var body = Components.Submission([Components.Valid("c-2"), Components.Valid("c-1")], new JsonObject { ["team"] = "payments" });
        await _bed.SendAsync(HttpMethod.Post, EmulatorTestBed.Bulk, body.ToJsonString());

        var json = await _http.GetFromJsonAsync<JsonObject>($"{Sites}/{_bed.Site.ClientKey}/components");

        var components = json!["components"]!.AsArray();
        Assert.Equal(["c-1", "c-2"], components.Select(c => (string)c!["id"]!));
        Assert.Equal("payments", (string?)components[0]!["properties"]!["team"]);
        Assert.Equal("Galactus", (string?)components[0]!["name"]);
    }

    [Fact]
    public async Task Sites_ListsTheInstalledSiteWithoutItsSecret()
    {
        var text = await _http.GetStringAsync(Sites);

        var site = JsonNode.Parse(text)!["sites"]!.AsArray().Single()!;
        Assert.Equal(_bed.Site.ClientKey, (string?)site["clientKey"]);
        Assert.Equal(_bed.Site.BaseUrl, (string?)site["baseUrl"]);
        Assert.Equal("enabled", (string?)site["state"]);
        Assert.DoesNotContain(_bed.Site.SharedSecret, text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StateChanges_OverHttp_ReachTheApp()
    {
        Assert.Equal(HttpStatusCode.OK, (await _http.PostAsync($"{Sites}/{_bed.Site.ClientKey}/disable", null)).StatusCode);
        Assert.Equal("disabled", _bed.Site.State);
        Assert.Equal(HttpStatusCode.OK, (await _http.PostAsync($"{Sites}/{_bed.Site.ClientKey}/enable", null)).StatusCode);
        var secret = _bed.Site.SharedSecret;
        Assert.Equal(HttpStatusCode.OK, (await _http.PostAsync($"{Sites}/{_bed.Site.ClientKey}/reinstall", null)).StatusCode);
        Assert.NotEqual(secret, _bed.Site.SharedSecret);
        Assert.Equal(HttpStatusCode.OK, (await _http.PostAsync($"{Sites}/{_bed.Site.ClientKey}/uninstall", null)).StatusCode);
        Assert.Equal("uninstalled", _bed.Site.State);
        Assert.Single(_bed.App.CallsTo("/disabled"));
        Assert.Single(_bed.App.CallsTo("/uninstalled"));
        Assert.Equal(HttpStatusCode.NotFound, (await _http.PostAsync($"{Sites}/no-such-key/disable", null)).StatusCode);
    }

    [Fact]
    public async Task Faults_OverHttp_AreScriptedAndCleared()
    {
        var set = await _http.PostAsJsonAsync($"{Sites}/{_bed.Site.ClientKey}/faults", new { kind = "TooManyRequests", count = 1, retryAfterSeconds = 2 });
        Assert.Equal(HttpStatusCode.NoContent, set.StatusCode);
        var limited = await _bed.SubmitAsync(Components.Valid("c-1"));
        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(2), limited.Headers.RetryAfter?.Delta);

        await _http.PostAsJsonAsync($"{Sites}/{_bed.Site.ClientKey}/faults", new { rateLimitPerSecond = 5 });
        Assert.Equal(5, _bed.Site.Faults.RateLimitPerSecond);
        Assert.Equal(HttpStatusCode.NoContent, (await _http.DeleteAsync($"{Sites}/{_bed.Site.ClientKey}/faults")).StatusCode);
        Assert.Null(_bed.Site.Faults.RateLimitPerSecond);

        var bad = await _http.PostAsJsonAsync($"{Sites}/{_bed.Site.ClientKey}/faults", new { kind = "Meteor" });
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
    }

    [Fact]
    public async Task Requests_ListsTheAppsCalls_FilteredByClientKey_AndResetForgetsEverything()
    {
        await _bed.SubmitAsync(Components.Valid("c-1"), Components.Valid("c-2"));

        var all = await _http.GetFromJsonAsync<JsonObject>(_bed.Emulator.BaseUrl + "/_emulator/requests");
        var mine = await _http.GetFromJsonAsync<JsonObject>(_bed.Emulator.BaseUrl + "/_emulator/requests?clientKey=" + _bed.Site.ClientKey);
        var other = await _http.GetFromJsonAsync<JsonObject>(_bed.Emulator.BaseUrl + "/_emulator/requests?clientKey=someone-else");

        var request = Assert.Single(all!["requests"]!.AsArray())!;
        Assert.Equal(("POST", EmulatorTestBed.Bulk, 202, 2, true),
            ((string?)request["method"], (string?)request["path"], (int)request["status"]!, (int)request["componentCount"]!, (bool)request["jwtVerified"]!));
        Assert.Single(mine!["requests"]!.AsArray());
        Assert.Empty(other!["requests"]!.AsArray());

        Assert.Equal(HttpStatusCode.NoContent, (await _http.PostAsync(_bed.Emulator.BaseUrl + "/_emulator/reset", null)).StatusCode);
        Assert.Empty(_bed.Emulator.Sites);
        Assert.Empty(_bed.Emulator.Requests);
    }

    [Fact]
    public async Task HomePage_ListsComponentsWithEveryValueHtmlEncoded()
    {
        var component = Components.Valid("c-1", name: "<script>alert(1)</script>");
        component["url"] = "https://example.com/?a=1&b=\"2\"";
        await _bed.SubmitAsync(component);

        var html = await _http.GetStringAsync(_bed.Emulator.BaseUrl + "/");

        Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt;", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script>", html, StringComparison.Ordinal);
        Assert.Contains("Tier 1", html, StringComparison.Ordinal);
        Assert.Contains(_bed.Site.Name, html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InspectionApi_RefusesCallersThatAreNotOnLoopback()
    {
        // Listen on every interface and call in through this machine's own non-loopback address.
        var address = NetworkInterface.GetAllNetworkInterfaces()
            .Where(n => n.OperationalStatus == OperationalStatus.Up && n.NetworkInterfaceType != NetworkInterfaceType.Loopback)
            .SelectMany(n => n.GetIPProperties().UnicastAddresses)
            .Select(a => a.Address)
            .First(a => a.AddressFamily == AddressFamily.InterNetwork && !IPAddress.IsLoopback(a));
        await using var emulator = await JiraEmulatorServer.StartAsync(url: "http://0.0.0.0:0");
        var port = new Uri(emulator.BaseUrl).Port;

        var remote = await _http.GetAsync($"http://{address}:{port}/_emulator/sites");
        var local = await _http.GetAsync($"http://127.0.0.1:{port}/_emulator/sites");

        Assert.Equal(HttpStatusCode.Forbidden, remote.StatusCode);
        Assert.Equal(HttpStatusCode.OK, local.StatusCode);
    }
}
