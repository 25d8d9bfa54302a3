using System.Net;
using System.Text.Json.Nodes;
using DevOpsProvider.JiraEmulator;
using DevOpsProvider.Tests.Infrastructure;
using DevOpsProvider.Tests.Sync;
using DevOpsProvider.Web.Sync;

namespace DevOpsProvider.Tests.Dashboard;

/// <summary>The site pages and their buttons, observed in the emulator.</summary>
public sealed class SitePageTests : IAsyncLifetime, IDisposable
{
    private SyncedJira _jira = null!;
    private EmulatorSite _site = null!;
    private OperatorBrowser _browser = null!;

    public async Task InitializeAsync()
    {
        _jira = await SyncedJira.StartAsync();
        await _jira.SeedAsync(30);
        _site = await _jira.InstallAndWaitAsync();
        _browser = new OperatorBrowser(_jira.App);
        await _browser.SignInAsync();
    }

    public async Task DisposeAsync() => await _jira.DisposeAsync();

    public void Dispose() => _browser?.Dispose();

    private string SitePage => "/sites/site?clientKey=" + Uri.EscapeDataString(_site.ClientKey);

    private Task<HttpResponseMessage> PressAsync(string handler, IDictionary<string, string>? fields = null, string? page = null)
    {
        var form = new Dictionary<string, string>(fields ?? new Dictionary<string, string>()) { ["clientKey"] = _site.ClientKey };
        return _browser.PostFormAsync(page ?? SitePage, $"/sites/site?handler={handler}", form);
    }

    [Fact]
    public async Task Overview_ListsTheSiteWithItsCounts()
    {
        var overview = await _browser.GetPageAsync("/");
        var sites = await _browser.GetPageAsync("/sites");

        Assert.Contains(_site.BaseUrl, overview, StringComparison.Ordinal);
        Assert.Contains("components in the catalog", overview, StringComparison.Ordinal);
        Assert.Contains("<svg", overview, StringComparison.Ordinal);
        Assert.Contains(_site.BaseUrl, sites, StringComparison.Ordinal);
        var detail = await _browser.GetPageAsync(SitePage);
        Assert.Contains("in sync", detail, StringComparison.Ordinal);
        Assert.Contains(">30<", detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task JiraDown_ThePageShowsTheOutageAndTheNextAutomaticRetry()
    {
        var before = (await _jira.App.Get<SyncRuns>().ListAsync(_site.ClientKey, 1, default)).Single().Id;
        _site.Faults.Down = true;
        await _jira.SeedAsync(2, prefix: "outage");

        using var response = await PressAsync("Sync");
        await Wait.UntilAsync(async () => (await _jira.App.Get<SyncRuns>().ListAsync(_site.ClientKey, 1, default))
            .Single() is { Outcome: "failed" } run && run.Id > before, "a failed run", TimeSpan.FromSeconds(60));
        // The failure is counted (and its retry scheduled) just after the run's record is written.
        await Wait.UntilAsync(async () => await _jira.App.Get<SyncStatus>().SiteAsync(_site.ClientKey, default) is { ConsecutiveFailures: > 0, NextRetryAt: not null },
            "the failure counted and its retry scheduled", TimeSpan.FromSeconds(60));
        var page = await _browser.GetPageAsync(SitePage);

        Assert.Contains("Jira unreachable or failing:", page, StringComparison.Ordinal);
        // One failed run, or two when the catalog change's own run failed too.
        Assert.Matches(@"[12] failed runs? in a row", page);
        Assert.Contains("Next automatic retry at", page, StringComparison.Ordinal);
        Assert.DoesNotContain("Needs attention", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SyncNow_SendsWhatChanged()
    {
        await _jira.SeedAsync(5, prefix: "new");
        var before = _jira.LogPosition;
        var lastRun = (await _jira.App.Get<SyncRuns>().ListAsync(_site.ClientKey, 1, default)).Single().Id;

        using var response = await PressAsync("Sync");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var run = await _jira.WaitForRunAsync(_site, r => r.Id > lastRun);
        Assert.Equal(5, run.Sent);
        await _jira.AssertHoldsCatalogAsync(_site);
        Assert.Single(_jira.RequestsTo(_site, before), SyncedJira.IsBulk);
    }

    [Fact]
    public async Task FullResync_SendsEverythingAgain()
    {
        var before = _jira.LogPosition;
        var lastRun = (await _jira.App.Get<SyncRuns>().ListAsync(_site.ClientKey, 1, default)).Single().Id;

        using var response = await PressAsync("Sync", new Dictionary<string, string> { ["full"] = "true" });

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var run = await _jira.WaitForRunAsync(_site, r => r.Id > lastRun && r.FullSync);
        Assert.Equal(30, run.Sent);
        Assert.Equal(30, _jira.RequestsTo(_site, before).Where(SyncedJira.IsBulk).Sum(r => r.ComponentCount));
    }

    [Fact]
    public async Task RemoveOurData_AsksFirst_ThenEmptiesTheSite()
    {
        var confirm = await _browser.GetPageAsync(SitePage + "&confirmRemove=true");
        Assert.Contains("Remove our data</button>", confirm, StringComparison.Ordinal);
        Assert.NotEmpty(_site.Components);

        using var response = await PressAsync("Remove", page: SitePage + "&confirmRemove=true");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Empty(_site.Components);
        Assert.Contains(_jira.Emulator.Requests, r => r.ClientKey == _site.ClientKey && r.Path.Contains("bulkByProperties", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Progress_ReportsTheLastRunComplete()
    {
        var json = JsonNode.Parse(await _browser.GetPageAsync(SitePage + "&handler=Progress"))!;

        Assert.False((bool?)json["running"]);
        Assert.Equal(100, (int?)json["percent"]);
    }

    [Fact]
    public async Task Associations_AndScopes_AreShown()
    {
        await _jira.Emulator.CallActionAsync(_site.ClientKey, "onEntityAssociated", new ActionCallRequest("c-000001", null, "project", "10042"));

        using var saved = await PressAsync("Scopes", new Dictionary<string, string> { ["scopeList"] = "default, globex" });
        var page = await _browser.GetPageAsync(SitePage);

        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        Assert.Contains("project 10042", page, StringComparison.Ordinal);
        Assert.Contains("default, globex", page, StringComparison.Ordinal);
        Assert.Equal(["default", "globex"], await _jira.App.Get<SiteScopes>().GetAsync(_site.ClientKey, default));
    }

    [Fact]
    public async Task ComponentPage_ShowsItsStatusOnTheSite()
    {
        var page = await _browser.GetPageAsync("/catalog/component?id=c-000003");

        Assert.Contains(_site.BaseUrl, page, StringComparison.Ordinal);
        Assert.Contains("badge in-sync", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HangfireDashboard_NeedsTheOperator()
    {
        using var anonymous = await _jira.App.Client.GetAsync("hangfire");
        using var signedIn = await _browser.GetAsync("/hangfire");

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal(HttpStatusCode.OK, signedIn.StatusCode);
    }
}
