using System.Net;
using System.Text;
using DevOpsProvider.Tests.Infrastructure;
using DevOpsProvider.Web.Catalog;

namespace DevOpsProvider.Tests.Dashboard;

public sealed class CatalogPageTests : IAsyncLifetime, IDisposable
{
    private EmulatedJira _jira = null!;
    private OperatorBrowser _browser = null!;

    public async Task InitializeAsync()
    {
        _jira = await EmulatedJira.StartAsync();
        _browser = new OperatorBrowser(_jira.App);
        await _browser.SignInAsync();
    }

    public async Task DisposeAsync() => await _jira.DisposeAsync();

    public void Dispose() => _browser?.Dispose();

    /// <summary>Uploads a file through the catalog page's import form, signed in, with the form's antiforgery token or without.</summary>
    private Task<HttpResponseMessage> UploadAsync(string fileName, string text, string contentType, bool withToken = true)
        => _browser.PostMultipartAsync(withToken ? "/catalog" : null, "/catalog?handler=Import", new Dictionary<string, string>(),
            "file", fileName, Encoding.UTF8.GetBytes(text), contentType);

    [Fact]
    public async Task EmptyCatalog_SaysHowToFillIt()
    {
        var page = await _browser.GetPageAsync("/catalog");

        Assert.Contains("No components yet", page, StringComparison.Ordinal);
        Assert.Contains("Import", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Search_FindsByNameAndFiltersByTier()
    {
        await _jira.PutComponentAsync("billing", name: "Billing Engine", tier: "Tier 1");
        await _jira.PutComponentAsync("search", name: "Search Service", tier: "Tier 3");

        var byName = await _browser.GetPageAsync("/catalog?q=billing");
        var byTier = await _browser.GetPageAsync("/catalog?tier=Tier%203");

        Assert.Contains("Billing Engine", byName, StringComparison.Ordinal);
        Assert.DoesNotContain("Search Service", byName, StringComparison.Ordinal);
        Assert.Contains("Search Service", byTier, StringComparison.Ordinal);
        Assert.DoesNotContain("Billing Engine", byTier, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UploadCsv_ShowsTheImportReport_AndStoresTheGoodRows()
    {
        var csv = """
            id,name,description,url,avatarUrl,tier,componentType
            svc-a,Service A,Does A,https://example.com/a,https://example.com/a.png,Tier 1,Service
            svc-b,Service B,Does B,not-a-url,https://example.com/b.png,Tier 2,Service
            """;

        using var response = await UploadAsync("components.csv", csv, "text/csv");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var page = await response.Content.ReadAsStringAsync();
        Assert.Contains("Import report", page, StringComparison.Ordinal);
        Assert.Contains("line 3", page, StringComparison.Ordinal);
        Assert.Contains("url:", page, StringComparison.Ordinal);
        Assert.NotNull(await _jira.App.Get<ComponentStore>().FindAsync("svc-a"));
        Assert.Null(await _jira.App.Get<ComponentStore>().FindAsync("svc-b"));
    }

    [Fact]
    public async Task UploadWithoutAntiforgeryToken_IsRefused()
    {
        using var response = await UploadAsync("x.json", "[]", "application/json", withToken: false);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task DeleteComponent_AsksForConfirmation_ThenLeavesATombstone()
    {
        await _jira.PutComponentAsync("old-svc", name: "Old Service");

        var details = await _browser.GetPageAsync("/catalog/component?id=old-svc");
        var confirm = await _browser.GetPageAsync("/catalog/component?id=old-svc&confirmDelete=true");
        Assert.DoesNotContain("Delete Old Service</button>", details, StringComparison.Ordinal);
        Assert.Contains("Delete Old Service</button>", confirm, StringComparison.Ordinal);

        using var response = await _browser.PostFormAsync("/catalog/component?id=old-svc&confirmDelete=true", "/catalog/component?handler=Delete",
            new Dictionary<string, string> { ["id"] = "old-svc" });

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var store = _jira.App.Get<ComponentStore>();
        Assert.Null(await store.FindAsync("old-svc"));
        Assert.NotNull((await store.FindIncludingDeletedAsync("old-svc"))?.DeletedAt);
    }

    [Fact]
    public async Task ComponentNames_AreShownAsText_NeverAsMarkup()
    {
        await _jira.PutComponentAsync("xss", name: "<script>alert(1)</script>");

        var list = await _browser.GetPageAsync("/catalog");
        var details = await _browser.GetPageAsync("/catalog/component?id=xss");

        Assert.DoesNotContain("<script>alert(1)</script>", list, StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt;", list, StringComparison.Ordinal);
        Assert.DoesNotContain("<script>alert(1)</script>", details, StringComparison.Ordinal);
    }
}
