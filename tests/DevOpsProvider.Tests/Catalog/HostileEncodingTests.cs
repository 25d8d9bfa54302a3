using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace DevOpsProvider.Tests.Catalog;

/// <summary>
/// Bodies that are not UTF-8 (Latin-1, invalid sequences, UTF-16/32 with or without a byte order mark, a declared
/// charset) on every way in: 415 naming the encoding rule and where it broke, never mojibake stored.
/// </summary>
public sealed class HostileEncodingTests(HostileCatalog hostile) : IClassFixture<HostileCatalog>
{
    private const string Json = """{"id":"enc-1","name":"Café","description":"Déjà vu","url":"https://e.example/1","avatarUrl":"https://e.example/a.png","tier":"Tier 2","componentType":"Service"}""";

    private const string Csv = "id,name,description,url,avatarUrl,tier,componentType\nenc-1,Café,Déjà vu,https://e.example/1,https://e.example/a.png,Tier 2,Service\n";

    private const string Yaml = "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: enc-1\n  title: Café\n  description: Déjà vu\nspec:\n  type: service\n";

    public static TheoryData<string, string> Cases()
    {
        var data = new TheoryData<string, string>();
        foreach (var endpoint in new[] { "put", "batch", "import-json", "import-csv", "import-yaml", "multipart-csv" })
        {
            foreach (var encoding in new[] { "latin1", "encoded-surrogate", "overlong", "truncated", "utf16le-bom", "utf16be-bom", "utf32le-bom", "utf16-no-bom", "charset" })
            {
                data.Add(endpoint, encoding);
            }
        }

        return data;
    }

    private static (string Path, HttpMethod Method, string Text, string MediaType) Request(string endpoint) => endpoint switch
    {
        "put" => (CatalogApp.Path("enc-1"), HttpMethod.Put, Json, "application/json"),
        "batch" => ("api/v1/components/batch", HttpMethod.Post, "{\"components\": [" + Json + "]}", "application/json"),
        "import-json" => ("api/v1/components/import", HttpMethod.Post, "[" + Json + "]", "application/json"),
        "import-yaml" => ("api/v1/components/import", HttpMethod.Post, Yaml, "application/yaml"),
        _ => ("api/v1/components/import", HttpMethod.Post, Csv, "text/csv"),
    };

    /// <summary>The text in a hostile encoding; the accented letters are where UTF-8 breaks.</summary>
    public static byte[] Encode(string text, string encoding)
    {
        byte[] Utf8With(params byte[] forE) => [.. text.Split('é').Select(p => Encoding.UTF8.GetBytes(p)).Aggregate((a, b) => [.. a, .. forE, .. b])];
        return encoding switch
        {
            "latin1" => Encoding.Latin1.GetBytes(text),
            "encoded-surrogate" => Utf8With(0xED, 0xA0, 0x80),
            "overlong" => Utf8With(0xC0, 0xA9),
            "truncated" => [.. Encoding.UTF8.GetBytes(text), 0xE2, 0x82],
            "utf16le-bom" => [.. Encoding.Unicode.GetPreamble(), .. Encoding.Unicode.GetBytes(text)],
            "utf16be-bom" => [.. Encoding.BigEndianUnicode.GetPreamble(), .. Encoding.BigEndianUnicode.GetBytes(text)],
            "utf32le-bom" => [.. Encoding.UTF32.GetPreamble(), .. Encoding.UTF32.GetBytes(text)],
            "utf16-no-bom" => Encoding.Unicode.GetBytes(text),
            _ => Encoding.UTF8.GetBytes(text),
        };
    }

    private static HttpContent Content(string endpoint, byte[] bytes, string mediaType)
    {
        var file = new ByteArrayContent(bytes);
        file.Headers.ContentType = MediaTypeHeaderValue.Parse(mediaType);
        if (!endpoint.StartsWith("multipart", StringComparison.Ordinal))
        {
            return file;
        }

        return new MultipartFormDataContent { { file, "file", "catalog.csv" } };
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task BodyNotInUtf8_Returns415_NamingTheEncodingRule_AndStoresNothing(string endpoint, string encoding)
    {
        var (path, method, text, mediaType) = Request(endpoint);
        var declared = encoding == "charset" ? mediaType + "; charset=iso-8859-1" : mediaType;

        var problem = await hostile.RefusedAsync(
            () => hostile.Api.SendAsync(new HttpRequestMessage(method, path) { Content = Content(endpoint, Encode(text, encoding), declared) }),
            HttpStatusCode.UnsupportedMediaType);

        var (field, rule) = HostileCatalog.FirstError(problem);
        Assert.Equal(encoding == "charset" ? "Content-Type" : "body", field);
        Assert.Contains(encoding == "charset" ? "charset=utf-8" : "must be UTF-8 text", rule, StringComparison.Ordinal);
        if (encoding is "latin1" or "encoded-surrogate" or "overlong")
        {
            // Where it broke: the first accented letter, in the first line of JSON and the second of CSV and YAML.
            var line = endpoint.EndsWith("json", StringComparison.Ordinal) || endpoint is "put" or "batch" ? 1 : endpoint.EndsWith("yaml", StringComparison.Ordinal) ? 5 : 2;
            Assert.Contains($"(line {line})", rule, StringComparison.Ordinal);
            Assert.Contains($"byte 0x{Encode(text, encoding)[text.IndexOf('é', StringComparison.Ordinal)]:X2}", rule, StringComparison.Ordinal);
        }
        else if (encoding == "utf16-no-bom")
        {
            // The first character's high byte, a NUL: never part of a UTF-8 text file.
            Assert.Contains("byte offset 1 (line 1) holds a NUL byte", rule, StringComparison.Ordinal);
        }
        else if (encoding.EndsWith("-bom", StringComparison.Ordinal))
        {
            Assert.Contains("byte order mark of UTF-", rule, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("import-json", "application/json")]
    [InlineData("import-csv", "text/csv; charset=utf-8")]
    [InlineData("import-yaml", "application/yaml")]
    public async Task Utf8WithAByteOrderMark_IsImported_WithTheTextIntact(string endpoint, string mediaType)
    {
        var (path, method, text, _) = Request(endpoint);
        var id = "bom-" + endpoint;
        var bytes = (byte[])[.. Encoding.UTF8.GetPreamble(), .. Encoding.UTF8.GetBytes(text.Replace("enc-1", id, StringComparison.Ordinal))];

        using var response = await hostile.Api.SendAsync(new HttpRequestMessage(method, path) { Content = Content(endpoint, bytes, mediaType) });
        var report = await CatalogApp.ReadAsync(response);

        Assert.True(response.StatusCode == HttpStatusCode.OK, report.ToJsonString());
        Assert.Equal(1, (int)report["created"]!);
        var stored = await hostile.Api.GetAsync(CatalogApp.Path(endpoint == "import-yaml" ? "component:default/" + id : id));
        var component = await CatalogApp.ReadAsync(stored);
        Assert.Equal("Café", (string?)component["name"]);
        Assert.Equal("Déjà vu", (string?)component["description"]);
    }
}
