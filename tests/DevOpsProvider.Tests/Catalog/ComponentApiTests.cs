using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Dapper;
using DevOpsProvider.Web.Catalog;
using Npgsql;

namespace DevOpsProvider.Tests.Catalog;

public sealed class ComponentApiTests(CatalogApp catalog) : IClassFixture<CatalogApp>
{
    private static string NewId(string prefix) => prefix + "-" + Guid.NewGuid().ToString("N")[..12];

    [Fact]
    public async Task Put_NewComponent_Returns201AndGetShowsItWithVersion()
    {
        var component = CatalogApp.Component(NewId("new"));
        using var response = await catalog.PutAsync(component);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var created = await CatalogApp.ReadAsync(response);
        Assert.True((long)created["version"]! > 0);
        Assert.Equal((long)created["version"]!, (long)created["updateSequenceNumber"]!);

        var fetched = await catalog.Api.GetFromJsonAsync<JsonObject>(CatalogApp.Path((string)component["id"]!));
        Assert.Equal("2024-03-11T09:14:02.000Z", (string?)fetched!["lastUpdated"]);
        Assert.Equal((string?)component["url"], (string?)fetched["url"]);
        Assert.Equal((long)created["version"]!, (long)fetched["version"]!);
    }

    [Fact]
    public async Task Put_Unchanged_KeepsTheVersion_EvenWithoutLastUpdated()
    {
        var component = CatalogApp.Component(NewId("same"));
        var first = await catalog.PutOkAsync(component);
        var again = await catalog.PutOkAsync(component);
        Assert.Equal((long)first["version"]!, (long)again["version"]!);

        component.Remove("lastUpdated");
        var stillSame = await catalog.PutOkAsync(component);
        Assert.Equal((long)first["version"]!, (long)stillSame["version"]!);
        Assert.Equal("2024-03-11T09:14:02.000Z", (string?)stillSame["lastUpdated"]);
    }

    [Theory]
    [InlineData("name", "Payments v2")]
    [InlineData("description", "Now with wallets.")]
    [InlineData("tier", "Tier 2")]
    [InlineData("scope", "globex")]
    [InlineData("lastUpdated", "2024-04-01T00:00:00.000Z")]
    public async Task Put_Changed_BumpsTheVersion(string field, string value)
    {
        var component = CatalogApp.Component(NewId("change"));
        var first = await catalog.PutOkAsync(component);
        component[field] = value;
        using var response = await catalog.PutAsync(component);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var second = await CatalogApp.ReadAsync(response);
        Assert.True((long)second["version"]! > (long)first["version"]!);
        Assert.Equal(value, (string?)second[field]);
    }

    [Fact]
    public async Task Delete_LeavesATombstoneWithANewerVersion_AndGetReturns404()
    {
        var id = NewId("gone");
        var created = await catalog.PutOkAsync(CatalogApp.Component(id));
        using (var deleted = await catalog.Api.DeleteAsync(CatalogApp.Path(id)))
        {
            Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        }

        using (var get = await catalog.Api.GetAsync(CatalogApp.Path(id)))
        {
            Assert.Equal(HttpStatusCode.NotFound, get.StatusCode);
            Assert.Equal("application/problem+json", get.Content.Headers.ContentType?.MediaType);
        }

        await using var connection = new NpgsqlConnection(catalog.App.ConnectionString);
        var row = await connection.QuerySingleAsync<(DateTime? DeletedAt, long Version)>("SELECT deleted_at, version FROM components WHERE id = @id", new { id });
        Assert.NotNull(row.DeletedAt);
        Assert.True(row.Version > (long)created["version"]!);

        using var again = await catalog.Api.DeleteAsync(CatalogApp.Path(id));
        Assert.Equal(HttpStatusCode.NotFound, again.StatusCode);
    }

    [Fact]
    public async Task Put_OfATombstonedId_RecreatesIt()
    {
        var id = NewId("phoenix");
        await catalog.PutOkAsync(CatalogApp.Component(id));
        (await catalog.Api.DeleteAsync(CatalogApp.Path(id))).Dispose();
        using var response = await catalog.PutAsync(CatalogApp.Component(id));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var stored = await catalog.App.Get<ComponentStore>().FindIncludingDeletedAsync(id);
        Assert.Null(stored!.DeletedAt);
    }

    [Theory]
    [InlineData("component:default/payments-api")]
    [InlineData("team a/service b")]
    [InlineData("weird:%2F+?#&=id")]
    public async Task Ids_WithSlashesColonsAndSpaces_RoundTripThroughTheEncodedPath(string id)
    {
        id += "-" + Guid.NewGuid().ToString("N")[..6];
        await catalog.PutOkAsync(CatalogApp.Component(id));
        var fetched = await catalog.Api.GetFromJsonAsync<JsonObject>(CatalogApp.Path(id));
        Assert.Equal(id, (string?)fetched!["id"]);
        using var deleted = await catalog.Api.DeleteAsync(CatalogApp.Path(id));
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
    }

    [Fact]
    public async Task List_PagesAndFilters()
    {
        var scope = "list" + Guid.NewGuid().ToString("N")[..8];
        for (var i = 0; i < 7; i++)
        {
            var component = CatalogApp.Component($"{scope}-{i}", scope);
            component["name"] = $"Listed {i}";
            component["tier"] = i < 3 ? "Tier 1" : "Tier 3";
            component["componentType"] = i % 2 == 0 ? "Service" : "Library";
            component["description"] = i == 5 ? "Handles 50% of refunds" : "Plain";
            await catalog.PutOkAsync(component);
        }

        (await catalog.Api.DeleteAsync(CatalogApp.Path($"{scope}-6"))).Dispose();

        var page1 = await catalog.Api.GetFromJsonAsync<JsonObject>($"api/v1/components?scope={scope}&pageSize=4");
        Assert.Equal(6, (long)page1!["total"]!);
        Assert.Equal(["Listed 0", "Listed 1", "Listed 2", "Listed 3"], page1["components"]!.AsArray().Select(c => (string)c!["name"]!));
        var page2 = await catalog.Api.GetFromJsonAsync<JsonObject>($"api/v1/components?scope={scope}&pageSize=4&page=2");
        Assert.Equal(["Listed 4", "Listed 5"], page2!["components"]!.AsArray().Select(c => (string)c!["name"]!));

        var tier1Services = await catalog.Api.GetFromJsonAsync<JsonObject>($"api/v1/components?scope={scope}&tier=Tier%201&componentType=Service");
        Assert.Equal(["Listed 0", "Listed 2"], tier1Services!["components"]!.AsArray().Select(c => (string)c!["name"]!));

        var text = await catalog.Api.GetFromJsonAsync<JsonObject>($"api/v1/components?scope={scope}&q=50%25");
        Assert.Equal(["Listed 5"], text!["components"]!.AsArray().Select(c => (string)c!["name"]!));
    }

    [Theory]
    [InlineData("page=0", "page")]
    [InlineData("pageSize=1001", "pageSize")]
    [InlineData("pageSize=ten", "pageSize")]
    public async Task List_WithBadPaging_NamesTheParameter(string query, string field)
    {
        using var response = await catalog.Api.GetAsync("api/v1/components?" + query);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(field, (string?)(await CatalogApp.ReadAsync(response))["errors"]![0]!["field"]);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("Bearer wrong-key")]
    [InlineData("Basic dXNlcjpwYXNz")]
    public async Task Api_WithoutTheRightKey_Returns401Problem(string? authorization)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "api/v1/components");
        if (authorization is not null)
        {
            request.Headers.Authorization = AuthenticationHeaderValue.Parse(authorization);
        }

        using var response = await catalog.App.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(401, (int)(await CatalogApp.ReadAsync(response))["status"]!);
    }

    [Fact]
    public async Task Api_BodyOverTheLimit_Returns413_WithContentLengthOrChunked()
    {
        var big = CatalogApp.Component(NewId("big"));
        big["description"] = new string('d', 300 * 1024);
        using (var response = await catalog.PutAsync(big))
        {
            Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        }

        // Without Content-Length the limit applies while reading.
        using var chunked = new StreamContent(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(big.ToJsonString())));
        chunked.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var request = new HttpRequestMessage(HttpMethod.Put, CatalogApp.Path((string)big["id"]!)) { Content = chunked };
        request.Headers.TransferEncodingChunked = true;
        using var chunkedResponse = await catalog.Api.SendAsync(request);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, chunkedResponse.StatusCode);
    }

    [Fact]
    public async Task Listeners_AreToldTheAffectedScopes_NotAboutUnchangedWrites()
    {
        var id = NewId("told");
        var component = CatalogApp.Component(id);
        var before = catalog.Listener.Calls.Count;
        await catalog.PutOkAsync(component);
        Assert.Contains(catalog.Listener.Calls.Skip(before), call => call.SequenceEqual(["default"]));

        var afterCreate = catalog.Listener.Calls.Count;
        await catalog.PutOkAsync(component);
        Assert.Equal(afterCreate, catalog.Listener.Calls.Count);

        component["scope"] = "globex";
        await catalog.PutOkAsync(component);
        Assert.Equal(["default", "globex"], catalog.Listener.Calls.Last());

        (await catalog.Api.DeleteAsync(CatalogApp.Path(id))).Dispose();
        Assert.Equal(["globex"], catalog.Listener.Calls.Last());
    }
}
