using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using DevOpsProvider.Web.Catalog;

namespace DevOpsProvider.Tests.Catalog;

public sealed class BatchTests(CatalogApp catalog) : IClassFixture<CatalogApp>
{
    private async Task<JsonObject> PostBatchAsync(JsonArray components)
    {
        using var response = await catalog.Api.PostAsJsonAsync("api/v1/components/batch", new JsonObject { ["components"] = components });
        var body = await CatalogApp.ReadAsync(response);
        Assert.True(response.StatusCode == HttpStatusCode.OK, body.ToJsonString());
        return body;
    }

    [Fact]
    public async Task Batch_WithGoodAndBadItems_StoresTheGoodAndNamesEachBadOne()
    {
        var prefix = "mix-" + Guid.NewGuid().ToString("N")[..8];
        var badTier = CatalogApp.Component(prefix + "-bad-tier");
        badTier["tier"] = "Gold";
        var noName = CatalogApp.Component(prefix + "-no-name");
        noName.Remove("name");
        var report = await PostBatchAsync(
        [
            CatalogApp.Component(prefix + "-a"),
            badTier,
            CatalogApp.Component(prefix + "-b"),
            noName,
            "not an object",
            CatalogApp.Component(prefix + "-a"),
        ]);

        Assert.Equal(2, (int)report["created"]!);
        Assert.Equal([0, 2], report["stored"]!.AsArray().Select(s => (int)s!["index"]!));
        var rejected = report["rejected"]!.AsArray();
        Assert.Equal([1, 3, 4, 5], rejected.Select(r => (int)r!["index"]!));
        Assert.Equal(ComponentRules.TierRule, (string?)rejected[0]!["errors"]![0]!["rule"]);
        Assert.Equal("name", (string?)rejected[1]!["errors"]![0]!["field"]);
        Assert.Equal(ComponentBatch.RepeatedIdRule, (string?)rejected[3]!["errors"]![0]!["rule"]);

        using var a = await catalog.Api.GetAsync(CatalogApp.Path(prefix + "-a"));
        Assert.Equal(HttpStatusCode.OK, a.StatusCode);
        using var bad = await catalog.Api.GetAsync(CatalogApp.Path(prefix + "-bad-tier"));
        Assert.Equal(HttpStatusCode.NotFound, bad.StatusCode);
    }

    [Fact]
    public async Task Batch_Resent_ReportsUnchangedAndUpdatedWithVersions()
    {
        var prefix = "again-" + Guid.NewGuid().ToString("N")[..8];
        var items = Enumerable.Range(0, 20).Select(i => CatalogApp.Component($"{prefix}-{i}")).ToList();
        var first = await PostBatchAsync([.. items.Select(i => i.DeepClone())]);
        Assert.Equal(20, (int)first["created"]!);
        var versions = first["stored"]!.AsArray().Select(s => (long)s!["version"]!).ToList();
        Assert.Equal(20, versions.Distinct().Count());

        items[3]["name"] = "Renamed";
        var second = await PostBatchAsync([.. items.Select(i => i.DeepClone())]);
        Assert.Equal(19, (int)second["unchanged"]!);
        Assert.Equal(1, (int)second["updated"]!);
        var stored = second["stored"]!.AsArray();
        Assert.Equal(versions[0], (long)stored[0]!["version"]!);
        Assert.True((long)stored[3]!["version"]! > versions.Max());
    }

    [Fact]
    public async Task Batch_Of5000_IsAccepted_And5001_IsRefused()
    {
        var prefix = "many-" + Guid.NewGuid().ToString("N")[..8];
        var components = new JsonArray();
        for (var i = 0; i < ComponentBatch.MaxComponents; i++)
        {
            components.Add(new JsonObject
            {
                ["id"] = $"{prefix}-{i}",
                ["name"] = $"C{i}",
                ["description"] = "d",
                ["url"] = "https://e.example/c",
                ["avatarUrl"] = "https://e.example/a",
                ["tier"] = "Tier 4",
                ["componentType"] = "Other",
            });
        }

        // The fixture's body limit is small; a bigger one for this request size.
        await using var app = await Infrastructure.TestApp.StartAsync(new Dictionary<string, string?> { ["Api:MaxRequestBytes"] = "8000000" });
        using var api = app.CreateApiClient();
        using (var ok = await api.PostAsJsonAsync("api/v1/components/batch", new JsonObject { ["components"] = components.DeepClone() }))
        {
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
            Assert.Equal(5000, (int)(await CatalogApp.ReadAsync(ok))["created"]!);
        }

        components.Add(new JsonObject { ["id"] = "one-too-many" });
        using var refused = await api.PostAsJsonAsync("api/v1/components/batch", new JsonObject { ["components"] = components });
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Equal("components", (string?)(await CatalogApp.ReadAsync(refused))["errors"]![0]!["field"]);
    }

    [Theory]
    [InlineData("[]")]
    [InlineData("{\"components\": []}")]
    [InlineData("{\"components\": {}}")]
    [InlineData("{\"items\": []}")]
    public async Task Batch_WithoutAComponentsArray_Returns400(string body)
    {
        using var content = new StringContent(body, System.Text.Encoding.UTF8, "application/json");
        using var response = await catalog.Api.PostAsync("api/v1/components/batch", content);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("components", (string?)(await CatalogApp.ReadAsync(response))["errors"]![0]!["field"]);
    }
}
