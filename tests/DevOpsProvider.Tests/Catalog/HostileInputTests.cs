using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace DevOpsProvider.Tests.Catalog;

/// <summary>
/// Hostile bodies and request targets against the catalog's write endpoints (issue 8): each answered with a clear
/// 4xx problem, nothing stored, the app still up. The body limit here is 256 KiB (CatalogApp).
/// </summary>
public sealed class HostileInputTests(HostileCatalog hostile) : IClassFixture<HostileCatalog>
{
    private const string Batch = "api/v1/components/batch";
    private const string Import = "api/v1/components/import?format=json";
    private const int OverLimit = 300 * 1024;

    private HttpClient Api => hostile.Api;

    private static string Put(string id) => CatalogApp.Path(id);

    private static ByteArrayContent Body(string text, string mediaType = "application/json") => Body(Encoding.UTF8.GetBytes(text), mediaType);

    private static ByteArrayContent Body(byte[] bytes, string mediaType = "application/json")
    {
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(mediaType);
        return content;
    }

    private Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, HttpContent content, bool chunked = false)
    {
        var request = new HttpRequestMessage(method, path) { Content = content };
        if (chunked)
        {
            // A stream of unknown length goes out chunked, without Content-Length.
            request.Headers.TransferEncodingChunked = true;
        }

        return Api.SendAsync(request);
    }

    private static HttpContent Payload(string endpoint, bool chunked)
    {
        var component = CatalogApp.Component("big-" + endpoint);
        component["description"] = new string('d', OverLimit);
        var json = endpoint == "batch" ? new JsonObject { ["components"] = new JsonArray(component) }.ToJsonString() : new JsonArray(component).ToJsonString();
        var bytes = Encoding.UTF8.GetBytes(json);
        HttpContent file = chunked ? new StreamContent(new MemoryStream(bytes)) : new ByteArrayContent(bytes);
        file.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        if (endpoint != "multipart")
        {
            return file;
        }

        var form = new MultipartFormDataContent();
        form.Add(file, "file", "catalog.json");
        return form;
    }

    [Theory]
    [InlineData("batch", false)]
    [InlineData("batch", true)]
    [InlineData("import", true)]
    [InlineData("multipart", false)]
    [InlineData("multipart", true)]
    public async Task WriteEndpoint_BodyOverTheLimit_Returns413_WithContentLengthOrChunked(string endpoint, bool chunked)
    {
        var path = endpoint == "batch" ? Batch : "api/v1/components/import";
        var problem = await hostile.RefusedAsync(() => SendAsync(HttpMethod.Post, path, Payload(endpoint, chunked), chunked), HttpStatusCode.RequestEntityTooLarge);

        Assert.Contains("Api:MaxRequestBytes", (string?)problem["detail"], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("batch")]
    [InlineData("import")]
    [InlineData("put")]
    public async Task JsonNested10000LevelsDeep_IsRefusedWith400_BeforeItCostsAnything(string endpoint)
    {
        var deep = new string('[', 10_000) + new string(']', 10_000);
        var (path, method, body) = endpoint switch
        {
            "batch" => (Batch, HttpMethod.Post, "{\"components\": [" + deep + "]}"),
            "import" => (Import, HttpMethod.Post, deep),
            _ => (Put("deep"), HttpMethod.Put, "{\"name\": " + deep + "}"),
        };

        var problem = await hostile.RefusedAsync(() => SendAsync(method, path, Body(body)), HttpStatusCode.BadRequest);

        Assert.Contains("depth", (string?)problem["detail"], StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData("{\"components\": [{\"id\": \"trunc-1\", \"name\": \"Trunc")]
    [InlineData("{\"components\": [{\"id\": \"trunc-2\"}]} trailing")]
    [InlineData("{'components': []}")]
    [InlineData("{\"components\": [{\"id\": \"trunc-3\",}]}")]
    [InlineData("{\"components\": [] // comment\n}")]
    [InlineData("")]
    public async Task Batch_OfMalformedOrTruncatedJson_Returns400SayingWhere(string body)
    {
        var problem = await hostile.RefusedAsync(() => SendAsync(HttpMethod.Post, Batch, Body(body)), HttpStatusCode.BadRequest);

        var detail = (string?)problem["detail"];
        Assert.Contains("not valid JSON", detail, StringComparison.Ordinal);
        Assert.Contains("LineNumber", detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("put", "tier")]
    [InlineData("batch", "tier")]
    [InlineData("batch-root", "components")]
    [InlineData("import", "id")]
    public async Task JsonWithDuplicateKeys_IsRefusedWith400_NamingTheKey(string endpoint, string key)
    {
        var component = CatalogApp.Component("dup-" + endpoint).ToJsonString();
        // The same key a second time, first in the object: which of the two did the sender mean?
        var twice = "{\"" + key + "\":\"Tier 4\"," + component[1..];
        var (path, method, body) = endpoint switch
        {
            "put" => (Put("dup-" + endpoint), HttpMethod.Put, twice),
            "batch" => (Batch, HttpMethod.Post, "{\"components\": [" + twice + "]}"),
            "batch-root" => (Batch, HttpMethod.Post, "{\"components\": [" + component + "], \"components\": []}"),
            _ => (Import, HttpMethod.Post, "[" + twice + "]"),
        };

        var problem = await hostile.RefusedAsync(() => SendAsync(method, path, Body(body)), HttpStatusCode.BadRequest);

        var detail = (string?)problem["detail"];
        Assert.Contains("duplicate", detail, StringComparison.OrdinalIgnoreCase);
        Assert.Contains($"'{key}'", detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("42")]
    [InlineData("\"components\"")]
    [InlineData("null")]
    [InlineData("{\"components\": \"all of them\"}")]
    [InlineData("{\"items\": []}")]
    public async Task JsonImport_WhoseRootIsNotAnArray_Returns400(string body)
    {
        var problem = await hostile.RefusedAsync(() => SendAsync(HttpMethod.Post, Import, Body(body)), HttpStatusCode.BadRequest);

        Assert.Contains("JSON array of components", (string?)problem["detail"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Batch_WithWrongTypes_NamesEachField_StoresOnlyTheGoodItem_AndNoPartOfABadOne()
    {
        var good = CatalogApp.Component("types-good");
        var badName = CatalogApp.Component("types-name");
        badName["name"] = 5;
        var badTier = CatalogApp.Component("types-tier");
        badTier["tier"] = new JsonArray("Tier 1");
        var badDescription = CatalogApp.Component("types-description");
        badDescription["description"] = new JsonObject { ["text"] = "nested" };
        var badDate = CatalogApp.Component("types-date");
        badDate["lastUpdated"] = true;
        var items = new JsonArray(good, badName, badTier, badDescription, badDate, 42, "component", null, new JsonArray());

        using var response = await SendAsync(HttpMethod.Post, Batch, Body(new JsonObject { ["components"] = items }.ToJsonString()));
        var report = await CatalogApp.ReadAsync(response);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(["types-good"], report["stored"]!.AsArray().Select(s => (string)s!["id"]!));
        var rejected = report["rejected"]!.AsArray();
        Assert.Equal([1, 2, 3, 4, 5, 6, 7, 8], rejected.Select(r => (int)r!["index"]!));
        Assert.Equal(["name", "tier", "description", "lastUpdated"], rejected.Take(4).Select(r => (string)r!["errors"]![0]!["field"]!));
        Assert.All(rejected.Take(4), r => Assert.Equal("must be a string", (string?)r!["errors"]![0]!["rule"]));
        Assert.All(rejected.Skip(4), r => Assert.Equal("must be a JSON object", (string?)r!["errors"]![0]!["rule"]));
        var stored = await hostile.SnapshotAsync();
        Assert.DoesNotContain(stored, row => row.StartsWith("types-", StringComparison.Ordinal) && !row.StartsWith("types-good ", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("GET", "api/v1/components/a%01b")]
    [InlineData("DELETE", "api/v1/components/seed-1%7F")]
    [InlineData("PUT", "api/v1/components/ctl%0Aid")]
    [InlineData("GET", "api/v1/components?q=%00")]
    [InlineData("GET", "api/v1/components?scope=default%1B%5B31m")]
    public async Task RequestTarget_WithAnEncodedControlCharacter_Returns400NamingIt(string method, string path)
    {
        var problem = await hostile.RefusedAsync(
            () => SendAsync(new HttpMethod(method), path, Body(CatalogApp.Component("ctl\nid").ToJsonString())), HttpStatusCode.BadRequest);

        var (field, rule) = HostileCatalog.FirstError(problem);
        Assert.Equal("(request target)", field);
        Assert.StartsWith("must not contain control characters", rule, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("GET")]
    [InlineData("PUT")]
    [InlineData("DELETE")]
    public async Task Path_WithAnEncodedNul_IsRefusedWith400_BeforeTheApp(string method)
    {
        // Kestrel itself refuses a path that decodes to a NUL (with an empty 400), so it never reaches a handler.
        var before = await hostile.SnapshotAsync();

        using var response = await SendAsync(new HttpMethod(method), "api/v1/components/seed-1%00", Body(CatalogApp.Component("seed-1\0").ToJsonString()));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(before, await hostile.SnapshotAsync());
        await hostile.AssertAnswersAsync();
    }
}
