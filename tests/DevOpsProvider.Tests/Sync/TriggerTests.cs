using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using DevOpsProvider.JiraEmulator;
using DevOpsProvider.Web.Catalog;
using DevOpsProvider.Web.Sync;

namespace DevOpsProvider.Tests.Sync;

/// <summary>Lifecycle and catalog triggers, scopes and the operators' API.</summary>
public sealed class TriggerTests : IAsyncLifetime
{
    private SyncedJira _jira = null!;

    // Catalog changes start runs here, two seconds after the first change of a burst.
    public async Task InitializeAsync() => _jira = await SyncedJira.StartAsync(new Dictionary<string, string?> { ["Sync:DebounceSeconds"] = "2" });

    public async Task DisposeAsync() => await _jira.DisposeAsync();

    [Fact]
    public async Task DisabledAndUninstalledSites_ReceiveNothing_ReEnabledSiteCatchesUp()
    {
        var disabled = await _jira.InstallAndWaitAsync();
        var uninstalled = await _jira.InstallAndWaitAsync();
        var active = await _jira.InstallAndWaitAsync();
        await _jira.Emulator.DisableAsync(disabled.ClientKey);
        await _jira.Emulator.UninstallAsync(uninstalled.ClientKey);
        var from = _jira.LogPosition;

        await _jira.SeedAsync(50);
        await _jira.WaitForRunAsync(active, r => r.Trigger == SyncTriggers.CatalogChange);
        Assert.Equal(SyncOutcome.SkippedStatus, (await _jira.RunAsync(disabled)).Status);
        Assert.Equal(SyncOutcome.SkippedStatus, (await _jira.RunAsync(uninstalled)).Status);

        await _jira.AssertHoldsCatalogAsync(active);
        Assert.Empty(_jira.RequestsTo(disabled, from));
        Assert.Empty(_jira.RequestsTo(uninstalled, from));

        await _jira.Emulator.EnableAsync(disabled.ClientKey);
        await _jira.WaitForRunAsync(disabled, r => r.Trigger == SyncTriggers.Enabled);
        await _jira.AssertHoldsCatalogAsync(disabled);
        Assert.Empty(_jira.RequestsTo(uninstalled, from));
    }

    [Fact]
    public async Task CatalogBurst_IsSyncedByOneDebouncedRun()
    {
        var site = await _jira.InstallAndWaitAsync();
        var store = _jira.App.Get<ComponentStore>();

        // Five separate writes at once: five change notifications within the debounce window.
        await Task.WhenAll(Enumerable.Range(0, 5).Select(i => store.UpsertAsync(SyncedJira.Component($"burst-{i}"))));

        var run = await _jira.WaitForRunAsync(site, r => r.Trigger == SyncTriggers.CatalogChange);
        Assert.Equal(5, run.Accepted);
        await _jira.AssertHoldsCatalogAsync(site);
        Assert.Single(await _jira.App.Get<SyncRuns>().ListAsync(site.ClientKey, 100, default), r => r.Trigger == SyncTriggers.CatalogChange);
    }

    [Fact]
    public async Task Scopes_SiteReceivesOnlyItsScopes_AndAChangeAddsAndRemoves()
    {
        var site = await _jira.InstallAndWaitAsync();
        await _jira.SeedAsync(20, prefix: "d", scope: "default");
        await _jira.SeedAsync(10, prefix: "t", scope: "team-a");
        await _jira.WaitForRunAsync(site, r => r.Trigger == SyncTriggers.CatalogChange);
        await _jira.AssertHoldsCatalogAsync(site, "default");

        using var put = await _jira.Jira.Api.PutAsJsonAsync($"api/v1/tenants/{site.ClientKey}/scopes", JsonNode.Parse("""{"scopes": ["team-a"]}"""));
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        await _jira.WaitForRunAsync(site, r => r.Trigger == SyncTriggers.Scopes);

        await _jira.AssertHoldsCatalogAsync(site, "team-a");
        Assert.Contains(_jira.RequestsTo(site), r => r.Method == "DELETE" && r.Path.Contains("bulkByProperties", StringComparison.Ordinal)
            && r.Path.Contains("scope=default", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ScopesWithABlankName_Returns400NamingTheField()
    {
        var site = await _jira.InstallAndWaitAsync();

        using var put = await _jira.Jira.Api.PutAsJsonAsync($"api/v1/tenants/{site.ClientKey}/scopes", JsonNode.Parse("""{"scopes": ["ok", " "]}"""));

        Assert.Equal(HttpStatusCode.BadRequest, put.StatusCode);
        Assert.Contains("scopes[1]", await put.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RemoveData_DeletesOurComponentsByProperty_AndStopsSendingThem()
    {
        await _jira.SeedAsync(15);
        var site = await _jira.InstallAndWaitAsync();
        Assert.Equal(15, site.Components.Count);

        using var response = await _jira.Jira.Api.PostAsync($"api/v1/tenants/{site.ClientKey}/remove-data", null);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Empty(site.Components);
        var from = _jira.LogPosition;
        await _jira.RunAsync(site);
        Assert.Empty(_jira.RequestsTo(site, from));
    }

    [Fact]
    public async Task Api_ListsSitesWithCounts_TriggersRuns_AndShowsRuns()
    {
        await _jira.SeedAsync(12);
        var site = await _jira.InstallAndWaitAsync();

        var tenants = JsonNode.Parse(await _jira.Jira.Api.GetStringAsync("api/v1/tenants"))!.AsArray();
        var entry = tenants.Single(t => (string?)t!["clientKey"] == site.ClientKey)!;
        Assert.Equal((12, 0, 0), ((int)entry["inSync"]!, (int)entry["pending"]!, (int)entry["failed"]!));
        Assert.Equal("active", (string?)entry["state"]);

        using var sync = await _jira.Jira.Api.PostAsync($"api/v1/tenants/{site.ClientKey}/sync?full=true", null);
        Assert.Equal(HttpStatusCode.Accepted, sync.StatusCode);
        await _jira.WaitForRunAsync(site, r => r.Trigger == SyncTriggers.Operator);
        using var all = await _jira.Jira.Api.PostAsync("api/v1/sync", null);
        Assert.Equal(HttpStatusCode.Accepted, all.StatusCode);

        var runs = JsonNode.Parse(await _jira.Jira.Api.GetStringAsync($"api/v1/tenants/{site.ClientKey}/runs"))!.AsArray();
        Assert.Contains(runs, r => (bool)r!["fullSync"]! && (string?)r["trigger"] == "operator" && (int)r["sent"]! == 12);
        using var unknown = await _jira.Jira.Api.PostAsync("api/v1/tenants/no-such-site/sync", null);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        using var anonymous = await _jira.App.Client.GetAsync("api/v1/tenants");
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
    }
}
