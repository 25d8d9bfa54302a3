using System.Net;
using System.Text;
using DevOpsProvider.JiraEmulator;
using DevOpsProvider.Tests.Catalog;
using DevOpsProvider.Tests.Infrastructure;
using DevOpsProvider.Tests.Sync;
using Microsoft.Playwright;

namespace DevOpsProvider.Tests.Dashboard;

/// <summary>
/// Hostile catalog data on the dashboard: markup in names, descriptions and ids shows as text on the catalog list,
/// the component page and the site page (in the HTML, and in Chromium where no dialog fires); the import form
/// refuses oversized and non-UTF-8 uploads with 413 and 415; control characters in page parameters get 400.
/// </summary>
public sealed class HostileDashboardTests(Browser browser) : IClassFixture<Browser>, IAsyncLifetime, IDisposable
{
    public const string ScriptName = "<script>alert(1)</script>";
    public const string ImgDescription = "\"><img src=x onerror=alert(2)>";
    public const string ImgId = "xss-\"><img src=x onerror=alert(3)>";
    public const string FormulaName = "=HYPERLINK(\"https://evil.example\",\"Click\")";
    private const int Limit = 256 * 1024;

    private SyncedJira _jira = null!;
    private EmulatorSite _site = null!;
    private OperatorBrowser _operator = null!;

    private string SitePage => "/sites/site?clientKey=" + Uri.EscapeDataString(_site.ClientKey);

    private Task<HttpResponseMessage> UploadAsync(Dictionary<string, string> fields, string fileName, byte[] content, string contentType, bool chunked = false)
        => _operator.PostMultipartAsync("/catalog", "/catalog?handler=Import", fields, "file", fileName, content, contentType, chunked);

    private static string ComponentPage(string id) => "/catalog/component?id=" + Uri.EscapeDataString(id);

    public async Task InitializeAsync()
    {
        _jira = await SyncedJira.StartAsync(new Dictionary<string, string?> { ["Api:MaxRequestBytes"] = Limit.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        var component = CatalogApp.Component(ImgId);
        component["name"] = ScriptName;
        component["description"] = ImgDescription;
        var formula = CatalogApp.Component("xss-formula");
        formula["name"] = FormulaName;
        foreach (var c in new[] { component, formula })
        {
            using var response = await _jira.Jira.Api.PutAsync(CatalogApp.Path((string)c["id"]!), new StringContent(c.ToJsonString(), Encoding.UTF8, "application/json"));
            response.EnsureSuccessStatusCode();
        }

        _site = await _jira.InstallAndWaitAsync();
        await _jira.Emulator.CallActionAsync(_site.ClientKey, "onEntityAssociated", new ActionCallRequest(ImgId, null, "project", "10042"));
        _operator = new OperatorBrowser(_jira.App);
        await _operator.SignInAsync();
    }

    public async Task DisposeAsync() => await _jira.DisposeAsync();

    public void Dispose() => _operator?.Dispose();

    [Fact]
    public async Task MarkupInNamesDescriptionsAndIds_IsEncoded_OnTheCatalogListComponentPageAndSitePage()
    {
        var pages = new Dictionary<string, string>
        {
            ["list"] = await _operator.GetPageAsync("/catalog"),
            ["component"] = await _operator.GetPageAsync(ComponentPage(ImgId)),
            ["site"] = await _operator.GetPageAsync(SitePage),
        };

        foreach (var (name, html) in pages)
        {
            Assert.False(html.Contains("<script>alert", StringComparison.Ordinal), $"{name} page holds a raw script tag");
            Assert.False(html.Contains("<img src=x", StringComparison.Ordinal), $"{name} page holds a raw img tag");
            Assert.Contains(ImgId, WebUtility.HtmlDecode(html), StringComparison.Ordinal);
        }

        Assert.Contains("&lt;script&gt;", pages["list"], StringComparison.Ordinal);
        Assert.Contains(ScriptName, WebUtility.HtmlDecode(pages["component"]), StringComparison.Ordinal);
        Assert.Contains(ImgDescription, WebUtility.HtmlDecode(pages["component"]), StringComparison.Ordinal);
        // A spreadsheet formula is shown as the text it is (and the app offers no CSV export that would evaluate it).
        Assert.Contains(FormulaName, WebUtility.HtmlDecode(pages["list"]), StringComparison.Ordinal);
        Assert.DoesNotContain(FormulaName, pages["list"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task HostilePages_InChromium_FireNoDialog_AndShowTheMarkupAsText()
    {
        await using var context = await browser.Chromium.NewContextAsync();
        var page = await context.NewPageAsync();
        var dialogs = new List<string>();
        page.Dialog += (_, dialog) =>
        {
            dialogs.Add(dialog.Message);
            _ = dialog.DismissAsync();
        };
        await page.GotoAsync(_jira.App.BaseUrl + "/login");
        await page.FillAsync("input[name=username]", "admin");
        await page.FillAsync("input[name=password]", TestApp.AdminPassword);
        await page.ClickAsync("button[type=submit]");
        await page.WaitForURLAsync(_jira.App.BaseUrl + "/");

        foreach (var path in new[] { "/catalog", ComponentPage(ImgId), SitePage })
        {
            await page.GotoAsync(_jira.App.BaseUrl + path);
            Assert.Equal(0, await page.Locator("img[src=x]").CountAsync());
            Assert.Contains(ImgId, await page.Locator("main").InnerTextAsync(), StringComparison.Ordinal);
        }

        await page.GotoAsync(_jira.App.BaseUrl + ComponentPage(ImgId));
        Assert.Equal(ScriptName, await page.Locator("h1").InnerTextAsync());
        Assert.Empty(dialogs);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task ImportForm_OverApiMaxRequestBytes_Returns413_AndStoresNothing(bool chunked)
    {
        var before = await _jira.CatalogAsync();
        var csv = "id,name,description,url,avatarUrl,tier,componentType\n" + string.Concat(Enumerable.Range(0, 3000).Select(i =>
            $"big-{i},Big {i},A row of a file over the limit,https://e.example/{i},https://e.example/a.png,Tier 2,Service\n"));

        using var response = await UploadAsync(new Dictionary<string, string>(), "big.csv", Encoding.UTF8.GetBytes(csv), "text/csv", chunked);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Contains($"larger than {Limit} bytes (Api:MaxRequestBytes)", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(before, await _jira.CatalogAsync());
        Assert.Contains("Catalog", await _operator.GetPageAsync("/catalog"), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("latin1", "text/csv", 415, "must be UTF-8 text: byte offset")]
    [InlineData("utf16le-bom", "text/csv", 415, "byte order mark of UTF-16")]
    [InlineData("utf8", "text/csv; charset=windows-1252", 415, "charset=windows-1252")]
    [InlineData("utf8", "text/csv", 400, "must be 1 to 64 letters")]
    public async Task ImportForm_RefusedFile_AnswersItsStatus_WithTheReasonOnThePage(string encoding, string contentType, int status, string reason)
    {
        var before = await _jira.CatalogAsync();
        var csv = "id,name,description,url,avatarUrl,tier,componentType\nform-1,Café,Déjà vu,https://e.example/1,https://e.example/a.png,Tier 2,Service\n";
        var fields = new Dictionary<string, string>();
        if (status == 400)
        {
            fields["importScope"] = "no spaces allowed";
        }

        using var response = await UploadAsync(fields, "catalog.csv", HostileEncodingTests.Encode(csv, encoding), contentType);
        var page = await response.Content.ReadAsStringAsync();

        Assert.Equal(status, (int)response.StatusCode);
        Assert.Contains("Import refused", page, StringComparison.Ordinal);
        Assert.Contains(reason, WebUtility.HtmlDecode(page), StringComparison.Ordinal);
        Assert.Equal(before, await _jira.CatalogAsync());
    }

    [Theory]
    [InlineData("/catalog?q=%00")]
    [InlineData("/catalog/component?id=seed%00")]
    [InlineData("/sites/site?clientKey=%1B")]
    public async Task PageParameter_WithAControlCharacter_Returns400(string path)
    {
        using var response = await _operator.GetAsync(path);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("must not contain control characters", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Contains("Catalog", await _operator.GetPageAsync("/catalog"), StringComparison.Ordinal);
    }
}
