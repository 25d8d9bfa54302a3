using System.Net;
using System.Text.Json.Nodes;

namespace DevOpsProvider.Tests.JiraEmulator;

/// <summary>Every rule of the component schema (PROTOCOL.md section 6), one broken at a time beside a valid component.</summary>
public sealed class ComponentRulesTests : IAsyncLifetime
{
    private EmulatorTestBed _bed = null!;

    public async Task InitializeAsync() => _bed = await EmulatorTestBed.StartAsync();

    public async Task DisposeAsync() => await _bed.DisposeAsync();

    public static TheoryData<string, string, string> BrokenFields => new()
    {
        // field, JSON value ("" removes the field), the rule the message must state
        { "schemaVersion", "", "is required" },
        { "schemaVersion", "\"2.0\"", "must be \"1.0\"" },
        { "schemaVersion", "1.0", "must be a string" },
        { "updateSequenceNumber", "", "is required" },
        { "updateSequenceNumber", "\"12\"", "int64" },
        { "updateSequenceNumber", "1.5", "int64" },
        { "updateSequenceNumber", "9223372036854775808", "int64" },
        { "name", "", "is required" },
        { "name", "\"\"", "must not be empty" },
        { "name", Long(256), "at most 255" },
        { "name", "null", "null" },
        { "providerName", Long(256), "at most 255" },
        { "providerName", "7", "must be a string" },
        { "description", "", "is required" },
        { "description", Long(5001), "at most 5000" },
        { "url", "", "is required" },
        { "url", "\"/relative/path\"", "absolute URI" },
        { "url", "\"not a url\"", "absolute URI" },
        { "url", "\"https://example.com/" + new string('a', 1990) + "\"", "at most 2000" },
        { "avatarUrl", "", "is required" },
        { "avatarUrl", "\"logo.png\"", "absolute URI" },
        { "tier", "", "is required" },
        { "tier", "\"Tier 5\"", "must be one of" },
        { "tier", "\"tier 1\"", "must be one of" },
        { "componentType", "", "is required" },
        { "componentType", "\"Microservice\"", "must be one of" },
        { "lastUpdated", "", "is required" },
        { "lastUpdated", "\"2018-01-20\"", "RFC 3339" },
        { "lastUpdated", "\"2018-01-20T23:27:25\"", "RFC 3339" },
        { "lastUpdated", "\"2018-13-20T23:27:25Z\"", "RFC 3339" },
        { "lastUpdated", "\"yesterday\"", "RFC 3339" },
        { "owner", "\"team-a\"", "is not a field" },
    };

    [Theory]
    [MemberData(nameof(BrokenFields))]
    public async Task Submit_ABrokenField_FailsThatComponentNamingTheField_AndKeepsTheGoodOne(string field, string value, string rule)
    {
        var bad = Components.Valid("bad");
        if (value.Length == 0)
        {
            bad.Remove(field);
        }
        else
        {
            bad[field] = JsonNode.Parse(value);
        }

        var response = await _bed.SubmitAsync(Components.Valid("good"), bad);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var json = await EmulatorTestBed.JsonAsync(response);
        Assert.Equal(["good"], json["acceptedComponents"]!.AsArray().Select(n => (string)n!));
        var message = (string)Assert.Single(json["failedComponents"]!["bad"]!.AsArray())!["message"]!;
        Assert.StartsWith(field + ": ", message, StringComparison.Ordinal);
        Assert.Contains(rule, message, StringComparison.Ordinal);
        Assert.NotNull(_bed.Site.GetComponent("good"));
        Assert.Null(_bed.Site.GetComponent("bad"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("\"\"")]
    [InlineData("42")]
    public async Task Submit_AComponentWithoutAUsableId_IsFailedUnderItsIndex(string id)
    {
        var bad = Components.Valid("x");
        if (id.Length == 0)
        {
            bad.Remove("id");
        }
        else
        {
            bad["id"] = JsonNode.Parse(id);
        }

        var json = await EmulatorTestBed.JsonAsync(await _bed.SubmitAsync(Components.Valid("good"), bad));

        var messages = json["failedComponents"]!["components[1]"]!.AsArray().Select(m => (string)m!["message"]!);
        Assert.Contains(messages, m => m.StartsWith("id: ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Submit_AnIdOf256Characters_IsFailedUnderItsIndex()
    {
        var json = await EmulatorTestBed.JsonAsync(await _bed.SubmitAsync(Components.Valid(new string('i', 256))));
        Assert.Contains("at most 255", (string)json["failedComponents"]!["components[0]"]![0]!["message"]!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Submit_AComponentThatIsNotAnObject_IsFailedUnderItsIndex()
    {
        var body = new JsonObject { ["components"] = new JsonArray(Components.Valid("good"), "text") };
        var json = await EmulatorTestBed.JsonAsync(await _bed.SendAsync(HttpMethod.Post, EmulatorTestBed.Bulk, body.ToJsonString()));
        Assert.NotNull(json["failedComponents"]!["components[1]"]);
        Assert.NotNull(_bed.Site.GetComponent("good"));
    }

    [Fact]
    public async Task Submit_SeveralBrokenFields_ListsEachOne()
    {
        var bad = Components.Valid("bad");
        bad["tier"] = "Gold";
        bad["url"] = "nope";
        bad.Remove("name");

        var json = await EmulatorTestBed.JsonAsync(await _bed.SubmitAsync(bad));

        var messages = json["failedComponents"]!["bad"]!.AsArray().Select(m => ((string)m!["message"]!).Split(':')[0]).Order();
        Assert.Equal(["name", "tier", "url"], messages);
    }

    [Theory]
    [InlineData("Tier 1", "Service")]
    [InlineData("Tier 4", "Machine learning model")]
    [InlineData("Tier 2", "Cloud resource")]
    [InlineData("Tier 3", "UI element")]
    public async Task Submit_EachAllowedTierAndType_IsAccepted(string tier, string type)
    {
        var component = Components.Valid("c-1");
        component["tier"] = tier;
        component["componentType"] = type;
        component["lastUpdated"] = "2024-02-29T10:00:00.123+02:00";
        component.Remove("providerName");

        var json = await EmulatorTestBed.JsonAsync(await _bed.SubmitAsync(component));

        Assert.Empty(json["failedComponents"]!.AsObject());
    }

    private static string Long(int length) => "\"" + new string('x', length) + "\"";
}
