using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using DevOpsProvider.Web.Catalog;

namespace DevOpsProvider.Tests.Catalog;

/// <summary>Every rule of PROTOCOL.md section 6, at and beyond each limit, through PUT /api/v1/components/{id}.</summary>
public sealed class ComponentValidationTests(CatalogApp catalog) : IClassFixture<CatalogApp>
{
    private const string Absent = "<absent>";

    private static string Url(int length) => "https://code.northwind.example/" + new string('a', length - "https://code.northwind.example/".Length);

    public static TheoryData<string, string, string?> Cases()
    {
        var tierRule = ComponentRules.TierRule;
        var typeRule = ComponentRules.ComponentTypeRule;
        var data = new TheoryData<string, string, string?>
        {
            { "name", new string('n', 255), null },
            { "name", new string('n', 256), "must be at most 255 characters" },
            { "name", Absent, "is required" },
            { "name", "   ", "is required" },
            { "providerName", new string('p', 255), null },
            { "providerName", new string('p', 256), "must be at most 255 characters" },
            { "providerName", Absent, null },
            { "description", new string('d', 5000), null },
            { "description", new string('d', 5001), "must be at most 5000 characters" },
            { "description", Absent, "is required" },
            { "description", "", "is required" },
            { "url", Url(2000), null },
            { "url", Url(2001), "must be at most 2000 characters" },
            { "url", "http://code.northwind.example/x", null },
            { "url", "/relative/path", ComponentRules.UrlRule },
            { "url", "ftp://code.northwind.example/x", ComponentRules.UrlRule },
            { "url", "not a url", ComponentRules.UrlRule },
            { "url", Absent, "is required" },
            { "avatarUrl", Url(2000), null },
            { "avatarUrl", Url(2001), "must be at most 2000 characters" },
            { "avatarUrl", "javascript:alert(1)", ComponentRules.UrlRule },
            { "avatarUrl", Absent, "is required" },
            { "tier", "Tier 5", tierRule },
            { "tier", "tier 1", tierRule },
            { "tier", "1", tierRule },
            { "tier", Absent, "is required" },
            { "componentType", "service", typeRule },
            { "componentType", "Database", typeRule },
            { "componentType", Absent, "is required" },
            { "lastUpdated", "2018-01-20T23:27:25.000Z", null },
            { "lastUpdated", "2018-01-20T23:27:25Z", null },
            { "lastUpdated", "2018-01-20T23:27:25.123456+02:00", null },
            { "lastUpdated", "2018-01-20", ComponentRules.DateTimeRule },
            { "lastUpdated", "2018-01-20 23:27:25Z", ComponentRules.DateTimeRule },
            { "lastUpdated", "2018-01-20T23:27:25", ComponentRules.DateTimeRule },
            { "lastUpdated", "2018-13-40T23:27:25Z", ComponentRules.DateTimeRule },
            { "lastUpdated", "yesterday", ComponentRules.DateTimeRule },
            { "lastUpdated", Absent, null },
            { "schemaVersion", "1.0", null },
            { "schemaVersion", "2.0", "must be \"1.0\"" },
            { "schemaVersion", Absent, null },
            { "scope", "globex", null },
            { "scope", new string('s', 64), null },
            { "scope", new string('s', 65), ComponentRules.ScopeRule },
            { "scope", "has space", ComponentRules.ScopeRule },
            { "scope", "-leading-dash", ComponentRules.ScopeRule },
            { "scope", Absent, null },
        };
        foreach (var tier in ComponentRules.Tiers)
        {
            data.Add("tier", tier, null);
        }

        foreach (var type in ComponentRules.ComponentTypes)
        {
            data.Add("componentType", type, null);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Put_WithOneFieldChanged_AcceptsOrNamesTheFieldAndRule(string field, string value, string? expectedRule)
    {
        var component = CatalogApp.Component("val-" + Guid.NewGuid().ToString("N"));
        if (value == Absent)
        {
            component.Remove(field);
        }
        else
        {
            component[field] = value;
        }

        using var response = await catalog.PutAsync(component);
        var body = await CatalogApp.ReadAsync(response);
        if (expectedRule is null)
        {
            Assert.True(response.StatusCode == HttpStatusCode.Created, body.ToJsonString());
            return;
        }

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var error = Assert.Single(body["errors"]!.AsArray());
        Assert.Equal(field, (string?)error!["field"]);
        Assert.Equal(expectedRule, (string?)error["rule"]);
    }

    [Fact]
    public async Task Put_IdAtTheLimit_IsStored_AndOneBeyond_IsRejected()
    {
        var atLimit = CatalogApp.Component("i" + Guid.NewGuid().ToString("N") + new string('x', 255 - 33));
        atLimit["name"] = "Long id";
        Assert.Equal(255, ((string)atLimit["id"]!).Length);
        using (var ok = await catalog.PutAsync(atLimit))
        {
            Assert.True(ok.StatusCode == HttpStatusCode.Created, await ok.Content.ReadAsStringAsync());
        }

        var beyond = CatalogApp.Component(new string('y', 256));
        beyond["name"] = "Long id";
        using var refused = await catalog.PutAsync(beyond);
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        var error = Assert.Single((await CatalogApp.ReadAsync(refused))["errors"]!.AsArray());
        Assert.Equal("id", (string?)error!["field"]);
        Assert.Equal("must be at most 255 characters", (string?)error["rule"]);
    }

    [Fact]
    public async Task Put_WithABodyIdOtherThanThePath_IsRejected()
    {
        var component = CatalogApp.Component("path-id-" + Guid.NewGuid().ToString("N"));
        using var response = await catalog.Api.PutAsJsonAsync(CatalogApp.Path("another-id"), component);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains((await CatalogApp.ReadAsync(response))["errors"]!.AsArray(), e => (string?)e!["field"] == "id");
    }

    [Fact]
    public async Task Put_WithANonStringValueOrUnknownField_NamesThem()
    {
        var component = CatalogApp.Component("types-" + Guid.NewGuid().ToString("N"));
        component["name"] = 42;
        component["owner"] = "team-payments";
        using var response = await catalog.PutAsync(component);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await CatalogApp.ReadAsync(response))["errors"]!.AsArray().Select(e => ((string?)e!["field"], (string?)e["rule"])).ToList();
        Assert.Contains(("name", "must be a string"), errors);
        Assert.Contains(("owner", "is not a component field"), errors);
    }

    [Fact]
    public async Task Put_EchoingServerFields_IgnoresThem()
    {
        var component = CatalogApp.Component("echo-" + Guid.NewGuid().ToString("N"));
        component["version"] = 12;
        component["updateSequenceNumber"] = 12;
        var stored = await catalog.PutOkAsync(component);
        Assert.NotEqual(12, (long)stored["version"]!);
    }

    [Fact]
    public async Task Put_WithoutOptionalLookingFields_FillsTheDefaults()
    {
        var component = CatalogApp.Component("defaults-" + Guid.NewGuid().ToString("N"));
        component.Remove("providerName");
        component.Remove("lastUpdated");
        component.Remove("schemaVersion");
        component.Remove("scope");
        var stored = await catalog.PutOkAsync(component);
        Assert.Equal("Northwind Engineering", (string?)stored["providerName"]);
        Assert.Equal("1.0", (string?)stored["schemaVersion"]);
        Assert.Equal("default", (string?)stored["scope"]);
        Assert.Matches(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$", (string)stored["lastUpdated"]!);
    }

    [Fact]
    public async Task Put_WithMalformedJson_Returns400WithTheReason()
    {
        using var content = new StringContent("{\"id\": \"x\", ", System.Text.Encoding.UTF8, "application/json");
        using var response = await catalog.Api.PutAsync(CatalogApp.Path("malformed"), content);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("not valid JSON", (string?)(await CatalogApp.ReadAsync(response))["detail"], StringComparison.Ordinal);
    }
}
