using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using DevOpsProvider.Web.Catalog;

namespace DevOpsProvider.Tests.Catalog;

/// <summary>
/// NUL bytes, control characters and unpaired surrogates in ids and names, through every way in. Free text (name,
/// providerName, description) may hold tabs and line breaks; ids and URLs hold no control character at all.
/// </summary>
public sealed class HostileTextTests(HostileCatalog hostile) : IClassFixture<HostileCatalog>
{
    private const string Marker = "HOSTILE-VALUE";

    /// <summary>A component whose <paramref name="field"/> is <paramref name="jsonString"/> written as raw JSON (escapes kept).</summary>
    private static string ComponentJson(string id, string field, string jsonString)
    {
        var component = CatalogApp.Component(id);
        component[field] = Marker;
        return component.ToJsonString().Replace($"\"{Marker}\"", jsonString, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("name", "\"a\\u0000b\"", ComponentRules.TextControlRule + ": U+0000 at character 2")]
    [InlineData("name", "\"\\u001b[31mred\"", ComponentRules.TextControlRule + ": U+001B at character 1")]
    [InlineData("providerName", "\"bell\\u0007\"", ComponentRules.TextControlRule + ": U+0007 at character 5")]
    [InlineData("description", "\"next\\u0085line\"", ComponentRules.TextControlRule + ": U+0085 at character 5")]
    [InlineData("description", "\"half \\ud800 a pair\"", ComponentRules.UnicodeRule)]
    [InlineData("url", "\"https://e.example/\\u0000\"", ComponentRules.ControlRule + ": U+0000 at character 19")]
    public async Task Put_WithAControlCharacterOrHalfASurrogatePair_Returns400NamingTheFieldAndWhere(string field, string jsonString, string rule)
    {
        var id = "ctl-" + field;
        using var body = new StringContent(ComponentJson(id, field, jsonString), Encoding.UTF8, "application/json");

        var problem = await hostile.RefusedAsync(() => hostile.Api.PutAsync(CatalogApp.Path(id), body), HttpStatusCode.BadRequest);

        var errors = problem["errors"]!.AsArray();
        Assert.Contains(errors, e => (string?)e!["field"] == field && ((string)e["rule"]!).StartsWith(rule, StringComparison.Ordinal));
    }

    [Fact]
    public async Task TabsAndLineBreaks_InFreeText_AreStoredAsGiven()
    {
        var component = CatalogApp.Component("ctl-multiline");
        component["name"] = "Payments\tAPI";
        component["description"] = "First line.\r\nSecond line.\n\tIndented.";

        var stored = await hostile.Catalog.PutOkAsync(component);

        Assert.Equal("Payments\tAPI", (string?)stored["name"]);
        Assert.Equal("First line.\r\nSecond line.\n\tIndented.", (string?)stored["description"]);
    }

    [Fact]
    public async Task Batch_WithControlCharactersInIds_RejectsThoseItems_AndStoresTheGoodOne()
    {
        var body = "{\"components\": [" + string.Join(",",
            CatalogApp.Component("ctl-batch-good").ToJsonString(),
            ComponentJson("x", "id", "\"nul\\u0000id\""),
            ComponentJson("x", "id", "\"tab\\tid\""),
            ComponentJson("x", "id", "\"line\\nid\""),
            ComponentJson("x", "id", "\"\\udfff\"")) + "]}";

        using var response = await hostile.Api.PostAsync("api/v1/components/batch", new StringContent(body, Encoding.UTF8, "application/json"));
        var report = await CatalogApp.ReadAsync(response);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(["ctl-batch-good"], report["stored"]!.AsArray().Select(s => (string)s!["id"]!));
        var rejected = report["rejected"]!.AsArray();
        Assert.Equal(4, rejected.Count);
        Assert.All(rejected, r => Assert.Equal("id", (string?)r!["errors"]![0]!["field"]));
        Assert.Equal(
            [ComponentRules.ControlRule + ": U+0000 at character 4", ComponentRules.ControlRule + ": U+0009 at character 4",
             ComponentRules.ControlRule + ": U+000A at character 5", ComponentRules.UnicodeRule],
            rejected.Select(r => (string)r!["errors"]![0]!["rule"]!));
        await hostile.AssertAnswersAsync();
    }

    [Fact]
    public async Task ReplaceImport_WithANulId_ReportsIt_AndKeepsTheRestOfTheScope()
    {
        var first = "[" + CatalogApp.Component("ctl-keep", "ctl").ToJsonString() + "," + CatalogApp.Component("ctl-gone", "ctl").ToJsonString() + "]";
        using (var seeded = await hostile.Api.PostAsync("api/v1/components/import?format=json", new StringContent(first, Encoding.UTF8, "application/json")))
        {
            Assert.Equal(HttpStatusCode.OK, seeded.StatusCode);
        }

        var second = "[" + CatalogApp.Component("ctl-keep", "ctl").ToJsonString() + "," + ComponentJson("x", "id", "\"ctl-\\u0000\"") + "]";
        using var response = await hostile.Api.PostAsync("api/v1/components/import?format=json&scope=ctl&mode=replace",
            new StringContent(second, Encoding.UTF8, "application/json"));
        var report = await CatalogApp.ReadAsync(response);

        Assert.True(response.StatusCode == HttpStatusCode.OK, report.ToJsonString());
        Assert.Equal("ctl-\0", (string?)report["rejected"]![0]!["id"]);
        Assert.Equal(["ctl-gone"], report["deletedIds"]!.AsArray().Select(i => (string)i!));
        var page = await hostile.Api.GetFromJsonAsync<JsonObject>("api/v1/components?scope=ctl");
        Assert.Equal(1, (long)page!["total"]!);
    }

    [Fact]
    public async Task CsvAndYaml_WithControlCharacters_RejectTheRowOrDocument_NamingTheField()
    {
        const string csv = "id,name,description,url,avatarUrl,tier,componentType\nctl-csv,Esc\u001b[2J,Clears the screen,https://e.example/1,https://e.example/a.png,Tier 2,Service\n";
        const string yaml = "kind: Component\nmetadata:\n  name: ctl-yaml\n  title: \"Nul\\0name\"\nspec:\n  type: service\n";

        using var csvResponse = await hostile.Api.PostAsync("api/v1/components/import", new StringContent(csv, Encoding.UTF8, "text/csv"));
        using var yamlResponse = await hostile.Api.PostAsync("api/v1/components/import", new StringContent(yaml, Encoding.UTF8, "application/yaml"));
        var csvReport = await CatalogApp.ReadAsync(csvResponse);
        var yamlReport = await CatalogApp.ReadAsync(yamlResponse);

        Assert.Equal(0, (int)csvReport["created"]!);
        Assert.Equal(2, (int)csvReport["rejected"]![0]!["line"]!);
        Assert.Equal("name", (string?)csvReport["rejected"]![0]!["errors"]![0]!["field"]);
        Assert.Equal(0, (int)yamlReport["created"]!);
        Assert.Equal(1, (int)yamlReport["rejected"]![0]!["document"]!);
        Assert.StartsWith(ComponentRules.TextControlRule + ": U+0000", (string?)yamlReport["rejected"]![0]!["errors"]![0]!["rule"], StringComparison.Ordinal);
        Assert.Null(await hostile.Catalog.App.Get<ComponentStore>().FindAsync("ctl-csv"));
    }
}
