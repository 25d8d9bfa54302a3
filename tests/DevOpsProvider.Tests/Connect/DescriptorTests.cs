using System.Net;
using System.Text.Json.Nodes;
using DevOpsProvider.Connect;
using DevOpsProvider.Tests.Infrastructure;

namespace DevOpsProvider.Tests.Connect;

public sealed class DescriptorTests : IAsyncLifetime
{
    private TestApp _app = null!;

    public async Task InitializeAsync() => _app = await TestApp.StartAsync(new Dictionary<string, string?> { ["Connect:AppKey"] = "my-devops-app" });

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task Descriptor_IsServedWithConfiguredBaseUrlAndKey()
    {
        var d = await GetDescriptorAsync();
        Assert.Equal(_app.BaseUrl, (string?)d["baseUrl"]);
        Assert.Equal("my-devops-app", (string?)d["key"]);
        Assert.Matches(DescriptorRules.AppKey(), (string)d["key"]!);
        Assert.Equal("jwt", (string?)d["authentication"]?["type"]);
        Assert.False(string.IsNullOrWhiteSpace((string?)d["name"]));
        Assert.False(string.IsNullOrWhiteSpace((string?)d["description"]));
        Assert.False(string.IsNullOrWhiteSpace((string?)d["vendor"]?["name"]));
        Assert.Equal(["READ", "WRITE", "DELETE"], d["scopes"]!.AsArray().Select(s => (string)s!));
        Assert.True((bool?)d["apiMigrations"]?["signed-install"]);
        Assert.True((bool?)d["apiMigrations"]?["context-qsh"]);
        Assert.DoesNotContain("{{", d.ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Module_HasKeyNameUrlsAndFourActions()
    {
        var module = (await GetDescriptorAsync())["modules"]?[DescriptorRules.ModuleName];
        Assert.NotNull(module);
        Assert.Matches(DescriptorRules.ModuleKey(), (string)module["key"]!);
        Assert.InRange(((string)module["key"]!).Length, 1, 100);
        Assert.False(string.IsNullOrWhiteSpace((string?)module["name"]?["value"]));
        foreach (var url in new[] { "homeUrl", "logoUrl", "documentationUrl" })
        {
            // Module URLs point at the provider's own pages: absolute, under the app.
            Assert.True(Uri.TryCreate((string?)module[url], UriKind.Absolute, out var uri), url);
            Assert.StartsWith(_app.BaseUrl, uri.ToString(), StringComparison.Ordinal);
        }

        foreach (var action in DescriptorRules.ActionNames)
        {
            var template = (string?)module["actions"]?[action]?["templateUrl"];
            // templateUrls are relative to baseUrl, as the Connect docs require.
            Assert.NotNull(template);
            Assert.StartsWith("/", template, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task EveryDeclaredUrl_RoutesToARealEndpoint()
    {
        var d = await GetDescriptorAsync();
        var module = d["modules"]![DescriptorRules.ModuleName]!;
        var routes = DescriptorRules.LifecycleNames.Select(n => (string)d["lifecycle"]![n]!)
            .Concat(DescriptorRules.ActionNames.Select(n => (string)module["actions"]![n]!["templateUrl"]!))
            .ToList();
        Assert.Equal(8, routes.Count);
        foreach (var route in routes)
        {
            // An unsigned POST reaches the endpoint (which refuses it) rather than falling through to 404 or 405.
            using var response = await _app.Client.PostAsync(route.TrimStart('/'), new StringContent("{}"));
            Assert.True(response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.BadRequest,
                $"{route} answered {(int)response.StatusCode}");
        }

        foreach (var url in new[] { "homeUrl", "logoUrl", "documentationUrl" })
        {
            using var response = await _app.Client.GetAsync((string)module[url]!);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        using var logo = await _app.Client.GetAsync((string)module["logoUrl"]!);
        Assert.Equal("image/svg+xml", logo.Content.Headers.ContentType?.MediaType);
    }

    private async Task<JsonNode> GetDescriptorAsync()
    {
        using var response = await _app.Client.GetAsync("atlassian-connect.json");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
    }
}
