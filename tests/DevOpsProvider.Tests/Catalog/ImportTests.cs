using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using DevOpsProvider.Tests.Infrastructure;

namespace DevOpsProvider.Tests.Catalog;

/// <summary>Imports through POST /api/v1/components/import, each test on its own fresh database (imports replace scopes).</summary>
public sealed class ImportTests : IAsyncLifetime
{
    private static readonly string Samples = Path.Combine(AppContext.BaseDirectory, "TestData", "samples");
    private readonly CatalogApp _catalog = new();

    public Task InitializeAsync() => _catalog.InitializeAsync();

    public Task DisposeAsync() => _catalog.DisposeAsync();

    private HttpClient Api => _catalog.Api;

    private async Task<JsonObject> ImportAsync(string query, HttpContent content, HttpStatusCode expected = HttpStatusCode.OK)
    {
        using var response = await Api.PostAsync("api/v1/components/import" + query, content);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"{(int)response.StatusCode}: {text}");
        return JsonNode.Parse(text)!.AsObject();
    }

    private static StringContent Text(string text, string mediaType) => new(text, Encoding.UTF8, mediaType);

    private static ByteArrayContent Sample(string name, string mediaType)
    {
        var content = new ByteArrayContent(File.ReadAllBytes(Path.Combine(Samples, name)));
        content.Headers.ContentType = new MediaTypeHeaderValue(mediaType);
        return content;
    }

    private async Task<JsonObject?> GetAsync(string id)
    {
        using var response = await Api.GetAsync(CatalogApp.Path(id));
        return response.StatusCode == HttpStatusCode.NotFound ? null : await CatalogApp.ReadAsync(response);
    }

    [Fact]
    public async Task JsonSample_IsImported_ByContentType()
    {
        using var content = Sample("catalog.json", "application/json");
        var report = await ImportAsync("", content);
        Assert.Equal(14, (int)report["created"]!);
        Assert.Empty(report["rejected"]!.AsArray());
        var payments = await GetAsync("payments-api");
        Assert.Equal("Tier 1", (string?)payments!["tier"]);
        Assert.Equal("2024-03-11T09:14:02.000Z", (string?)payments["lastUpdated"]);
        // The sample's fifth item names no provider: the configured default applies.
        Assert.Equal("Northwind Engineering", (string?)(await GetAsync("search-indexer"))!["providerName"]);
    }

    [Fact]
    public async Task CsvSample_IsImported_WithScopesFromTheScopeColumn()
    {
        using var content = Sample("catalog.csv", "text/csv");
        var report = await ImportAsync("", content);
        Assert.Equal(12, (int)report["created"]!);
        Assert.Empty(report["rejected"]!.AsArray());
        Assert.Equal("globex", (string?)(await GetAsync("globex-storefront"))!["scope"]);
        Assert.Equal("default", (string?)(await GetAsync("shipping-rates"))!["scope"]);
        Assert.Equal("Quotes carrier rates and delivery dates, with a fallback table when carriers time out.",
            (string?)(await GetAsync("shipping-rates"))!["description"]);

        using var again = Sample("catalog.csv", "text/csv");
        var second = await ImportAsync("", again);
        Assert.Equal(12, (int)second["unchanged"]!);
    }

    [Fact]
    public async Task BackstageSample_ImportsComponents_SkipsOtherKinds_AndMapsTheAnnotations()
    {
        using var content = Sample("catalog-info.yaml", "application/yaml");
        var report = await ImportAsync("", content);
        Assert.Equal(10, (int)report["created"]!);
        Assert.Equal(4, (int)report["skipped"]!);
        Assert.Empty(report["rejected"]!.AsArray());

        var gateway = await GetAsync("component:default/api-gateway");
        Assert.Equal("API Gateway", (string?)gateway!["name"]);
        Assert.Equal("Tier 1", (string?)gateway["tier"]);
        Assert.Equal("Service", (string?)gateway["componentType"]);
        Assert.Equal("https://code.northwind.example/platform/api-gateway", (string?)gateway["url"]);
        Assert.Equal("https://code.northwind.example/platform/api-gateway/avatar.png", (string?)gateway["avatarUrl"]);

        var portal = await GetAsync("component:default/developer-portal");
        Assert.Equal("https://portal.northwind.example", (string?)portal!["url"]);
        Assert.Equal("Website", (string?)portal["componentType"]);
        Assert.Equal("Tier 3", (string?)portal["tier"]);
        Assert.Equal(_catalog.App.BaseUrl + "/connect/logo.svg", (string?)portal["avatarUrl"]);

        var bus = await GetAsync("component:infra/event-bus");
        Assert.Equal("event-bus", (string?)bus!["name"]);
        Assert.Equal("Kafka clusters and topic provisioning for asynchronous integration.", (string?)bus["description"]);
        Assert.Equal("Cloud resource", (string?)bus["componentType"]);

        Assert.Equal("Tier 4", (string?)(await GetAsync("component:infra/secrets-operator"))!["tier"]);
        Assert.Equal("globex", (string?)(await GetAsync("component:default/globex-sso-bridge"))!["scope"]);
        Assert.Equal("Application", (string?)(await GetAsync("component:default/status-page"))!["componentType"]);
        Assert.Equal("Machine learning model", (string?)(await GetAsync("component:default/demand-forecast"))!["componentType"]);
    }

    [Fact]
    public async Task Backstage_WithoutLinks_UsesTheBackstageBaseUrl_AndReportsBadDocuments()
    {
        const string yaml = """
            apiVersion: backstage.io/v1alpha1
            kind: Component
            metadata:
              name: bare
              namespace: tools
            spec:
              type: something-new
            ---
            kind: Component
            metadata:
              name: bad-tier
              annotations:
                jira.atlassian.com/tier: platinum
            ---
            kind: Component
            metadata:
              title: No name
            """;
        using var content = Text(yaml, "application/yaml");
        var report = await ImportAsync("", content);
        Assert.Equal(1, (int)report["created"]!);
        var bare = await GetAsync("component:tools/bare");
        Assert.Equal("https://backstage.northwind.example/catalog/tools/component/bare", (string?)bare!["url"]);
        Assert.Equal("Other", (string?)bare["componentType"]);
        Assert.Equal("bare", (string?)bare["description"]);

        var rejected = report["rejected"]!.AsArray();
        Assert.Equal([2, 3], rejected.Select(r => (int)r!["document"]!));
        Assert.Equal("tier", (string?)rejected[0]!["errors"]![0]!["field"]);
        Assert.Equal("metadata.name", (string?)rejected[1]!["errors"]![0]!["field"]);
    }

    [Fact]
    public async Task Backstage_WithYamlAliases_IsRefusedWith400()
    {
        const string bomb = """
            a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
            b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
            c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
            kind: Component
            """;
        using var content = Text(bomb, "application/yaml");
        var body = await ImportAsync("", content, HttpStatusCode.BadRequest);
        Assert.Contains("aliases", (string?)body["detail"], StringComparison.Ordinal);

        using var deep = Text(new string('[', 10_000) + new string(']', 10_000), "application/yaml");
        await ImportAsync("", deep, HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Csv_ReportsBadRowsByLine_AndRefusesUnknownColumns()
    {
        const string csv = """
            id,name,description,url,avatarUrl,tier,componentType
            ok-1,One,First,https://e.example/1,https://e.example/a.png,Tier 2,Service
            bad-1,Two,Second,not-a-url,https://e.example/a.png,Tier 2,Service
            ok-2,Three,"Multi-line
            description",https://e.example/3,https://e.example/a.png,Tier 3,Library
            bad-2,,Fourth,https://e.example/4,https://e.example/a.png,Tier 9,Service
            """;
        using var content = Text(csv, "text/csv");
        var report = await ImportAsync("", content);
        Assert.Equal(2, (int)report["created"]!);
        var rejected = report["rejected"]!.AsArray();
        Assert.Equal([3, 6], rejected.Select(r => (int)r!["line"]!));
        Assert.Equal("bad-2", (string?)rejected[1]!["id"]);
        Assert.Equal(["name", "tier"], rejected[1]!["errors"]!.AsArray().Select(e => (string)e!["field"]!));

        using var unknown = Text("id,name,owner\nx,y,z\n", "text/csv");
        var refused = await ImportAsync("", unknown, HttpStatusCode.BadRequest);
        Assert.Contains("owner", (string?)refused["detail"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Import_WithScope_PutsEveryComponentInIt_AndMultipartUploadWorks()
    {
        using var form = new MultipartFormDataContent();
        var file = Sample("catalog.json", "application/octet-stream");
        form.Add(file, "file", "catalog.json");
        var report = await ImportAsync("?scope=acme", form);
        Assert.Equal(14, (int)report["created"]!);
        var page = await Api.GetFromJsonAsync<JsonObject>("api/v1/components?scope=acme&pageSize=100");
        Assert.Equal(14, (long)page!["total"]!);
    }

    [Fact]
    public async Task ReplaceMode_DeletesWhatTheFileLacks_AndItsDryRunChangesNothing()
    {
        using (var seed = Sample("catalog.csv", "text/csv"))
        {
            await ImportAsync("?scope=acme", seed);
        }

        using (var other = Sample("catalog.json", "application/json"))
        {
            await ImportAsync("?scope=other", other);
        }

        // The file now lacks two components and has one bad row whose id exists: that one is kept, not deleted.
        var lines = File.ReadAllLines(Path.Combine(Samples, "catalog.csv")).ToList();
        lines.RemoveAll(l => l.StartsWith("returns-portal,", StringComparison.Ordinal) || l.StartsWith("cdn-edge,", StringComparison.Ordinal));
        var fraud = lines.FindIndex(l => l.StartsWith("fraud-scoring,", StringComparison.Ordinal));
        lines[fraud] = lines[fraud].Replace("Tier 1", "Tier 0", StringComparison.Ordinal);
        var trimmed = string.Join('\n', lines);

        var versionBefore = (long)(await GetAsync("shipping-rates"))!["version"]!;
        using (var dry = Text(trimmed, "text/csv"))
        {
            var preview = await ImportAsync("?scope=acme&mode=replace&dryRun=true", dry);
            Assert.True((bool)preview["dryRun"]!);
            Assert.Equal(2, (int)preview["deleted"]!);
            Assert.Equal(["cdn-edge", "returns-portal"], preview["deletedIds"]!.AsArray().Select(i => (string)i!));
            Assert.Equal(9, (int)preview["unchanged"]!);
            Assert.Single(preview["rejected"]!.AsArray());
        }

        Assert.NotNull(await GetAsync("returns-portal"));
        Assert.Equal(versionBefore, (long)(await GetAsync("shipping-rates"))!["version"]!);
        var callsBefore = _catalog.Listener.Calls.Count;

        using (var real = Text(trimmed, "text/csv"))
        {
            var report = await ImportAsync("?scope=acme&mode=replace", real);
            Assert.Equal(2, (int)report["deleted"]!);
        }

        Assert.Null(await GetAsync("returns-portal"));
        Assert.Null(await GetAsync("cdn-edge"));
        Assert.NotNull(await GetAsync("fraud-scoring"));
        Assert.NotNull(await GetAsync("payments-api"));
        Assert.Equal(["acme"], _catalog.Listener.Calls.Skip(callsBefore).Single());
    }

    [Theory]
    [InlineData("?format=xml", "format")]
    [InlineData("?scope=bad%20scope", "scope")]
    [InlineData("?mode=wipe", "mode")]
    [InlineData("", "format")]
    public async Task Import_WithBadParameters_NamesThem(string query, string field)
    {
        using var content = Text("[]", "application/octet-stream");
        var body = await ImportAsync(query, content, HttpStatusCode.BadRequest);
        Assert.Equal(field, (string?)body["errors"]![0]!["field"]);
    }

    [Fact]
    public async Task Import_OfMalformedJson_Returns400WithTheReason()
    {
        using var content = Text("[{\"id\": ", "application/json");
        var body = await ImportAsync("?format=json", content, HttpStatusCode.BadRequest);
        Assert.Contains("not valid JSON", (string?)body["detail"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Import_OverTheBodyLimit_Returns413()
    {
        using var content = Text("[" + new string(' ', 300 * 1024) + "]", "application/json");
        await ImportAsync("", content, HttpStatusCode.RequestEntityTooLarge);
    }
}
