using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using DevOpsProvider.Tests.Infrastructure;
using DevOpsProvider.Web;
using DevOpsProvider.Web.Catalog;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace DevOpsProvider.Tests.Catalog;

public sealed partial class ApiSurfaceTests(CatalogApp catalog) : IClassFixture<CatalogApp>
{
    [Fact]
    public async Task OpenApiDocument_DescribesTheComponentRoutes()
    {
        using var response = await catalog.App.Client.GetAsync("openapi/v1.json");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var document = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        var paths = document["paths"]!.AsObject().Select(p => p.Key).ToList();
        Assert.Contains("/api/v1/components", paths);
        Assert.Contains("/api/v1/components/{id}", paths);
        Assert.Contains("/api/v1/components/batch", paths);
        Assert.Contains("/api/v1/components/import", paths);
    }

    [Fact]
    public async Task ReferencePage_LoadsItsScriptsFromTheAppItself()
    {
        using var response = await catalog.App.Client.GetAsync("api/docs");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync();
        var sources = ScriptSource().Matches(html).Select(m => m.Groups[1].Value).ToList();
        Assert.NotEmpty(sources);
        foreach (var source in sources)
        {
            // No CDN at run time: every script is served by this app, and answers.
            Assert.DoesNotContain("://", source, StringComparison.Ordinal);
            using var script = await catalog.App.Client.GetAsync(new Uri(new Uri(catalog.App.BaseUrl + "/api/docs/"), source));
            Assert.Equal(HttpStatusCode.OK, script.StatusCode);
        }
    }

    [Fact]
    public void App_OutsideDevelopmentWithoutApiKeys_RefusesToStart()
    {
        var failure = Assert.Throws<InvalidOperationException>(() => DevOpsProviderApp.Build(["--environment", "Production"], builder =>
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["ConnectionStrings:Postgres"] = "Host=127.0.0.1;Database=unused",
                ["Connect:BaseUrl"] = "https://provider.example",
            })));
        Assert.Contains("Api:Keys", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Versions_WithAFrozenClock_StillGrow()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2020, 1, 1, 0, 0, 0, TimeSpan.Zero));
        await using var app = await TestApp.StartAsync(services: s => s.AddSingleton<TimeProvider>(clock));
        using var api = app.CreateApiClient();
        var versions = new List<long>();
        var component = CatalogApp.Component("frozen");
        for (var i = 0; i < 3; i++)
        {
            component["name"] = $"Frozen {i}";
            using var response = await api.PutAsync(CatalogApp.Path("frozen"), new StringContent(component.ToJsonString(), System.Text.Encoding.UTF8, "application/json"));
            versions.Add((long)(await CatalogApp.ReadAsync(response))["version"]!);
        }

        var epochMs = clock.GetUtcNow().ToUnixTimeMilliseconds();
        Assert.Equal([epochMs, epochMs + 1, epochMs + 2], versions);
    }

    [Fact]
    public void ComponentJson_WritesTheSeedShape()
    {
        var component = new CatalogComponent
        {
            Id = "111-222-333",
            Name = "Galactus",
            ProviderName = "Marvel",
            Description = "<string>",
            Url = "https://example.com/project/MS/galactus/summary",
            AvatarUrl = "https://example.com/project/MS/galactus/logo",
            Tier = "Tier 1",
            ComponentType = "Service",
            LastUpdated = new DateTime(2018, 1, 20, 23, 27, 25, DateTimeKind.Utc),
            Version = 1523494301448,
        };
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            ComponentJson.Write(writer, component);
        }

        Assert.Equal(
            """{"schemaVersion":"1.0","id":"111-222-333","updateSequenceNumber":1523494301448,"name":"Galactus","providerName":"Marvel","description":"\u003Cstring\u003E","url":"https://example.com/project/MS/galactus/summary","avatarUrl":"https://example.com/project/MS/galactus/logo","tier":"Tier 1","componentType":"Service","lastUpdated":"2018-01-20T23:27:25.000Z"}""",
            System.Text.Encoding.UTF8.GetString(buffer.ToArray()));
    }

    [GeneratedRegex("<script[^>]*\\ssrc=\"([^\"]+)\"")]
    private static partial Regex ScriptSource();
}
