using DevOpsProvider.Web.Catalog;
using DevOpsProvider.Web.Sync;

namespace DevOpsProvider.Tests.Sync;

/// <summary>Initial and delta runs against the emulator: what lands, and how many requests it takes.</summary>
public sealed class DeltaSyncTests : IAsyncLifetime
{
    private SyncedJira _jira = null!;

    public async Task InitializeAsync() => _jira = await SyncedJira.StartAsync();

    public async Task DisposeAsync() => await _jira.DisposeAsync();

    [Fact]
    public async Task Install_InitialSync_LandsExactlyTheCatalogIn3Requests()
    {
        await _jira.SeedAsync(2500);

        var site = await _jira.InstallAndWaitAsync();

        await _jira.AssertHoldsCatalogAsync(site);
        var bulk = _jira.RequestsTo(site).Where(SyncedJira.IsBulk).ToList();
        Assert.Equal(3, bulk.Count);
        Assert.All(bulk, r => Assert.Equal(202, r.Status));
        Assert.Equal(2500, bulk.Sum(r => r.ComponentCount));
        var runs = await _jira.App.Get<SyncRuns>().ListAsync(site.ClientKey, 10, default);
        Assert.All(runs, r => Assert.Equal("succeeded", r.Outcome));
        Assert.Equal((2500, 2500, 3), (runs.Sum(r => r.Sent), runs.Sum(r => r.Accepted), runs.Sum(r => r.Requests)));
        Assert.Contains(runs, r => r.FullSync);
        Assert.All(site.Components, c => Assert.Equal("default", c.Properties["scope"]));
        Assert.All(site.Components, c => Assert.Equal("devops-component-provider", c.Properties["source"]));
    }

    [Fact]
    public async Task Change10Delete5Add3_NextRunSendsExactlyThose_ThenAnUnchangedRunSendsNothing()
    {
        await _jira.SeedAsync(100);
        var site = await _jira.InstallAndWaitAsync();
        var store = _jira.App.Get<ComponentStore>();
        var changed = Enumerable.Range(0, 10).Select(i => SyncedJira.Component($"c-{i:D6}", name: "Changed")).ToList();
        await store.UpsertManyAsync([.. changed, .. Enumerable.Range(0, 3).Select(i => SyncedJira.Component($"new-{i}"))]);
        var deleted = Enumerable.Range(50, 5).Select(i => $"c-{i:D6}").ToList();
        foreach (var id in deleted)
        {
            await store.DeleteAsync(id);
        }

        var from = _jira.LogPosition;
        var outcome = await _jira.RunAsync(site);

        Assert.Equal(SyncOutcome.Succeeded, outcome.Status);
        var requests = _jira.RequestsTo(site, from);
        var bulk = Assert.Single(requests, SyncedJira.IsBulk);
        Assert.Equal(13, bulk.ComponentCount);
        var deletes = requests.Where(r => r.Method == "DELETE").Select(r => r.Path.Split('/')[^1]).Order().ToList();
        Assert.Equal(deleted, deletes);
        Assert.Equal(6, requests.Count);
        await _jira.AssertHoldsCatalogAsync(site);
        Assert.Equal("Changed", (string?)site.GetComponent("c-000003")!.Component["name"]);

        from = _jira.LogPosition;
        Assert.Equal(SyncOutcome.Succeeded, (await _jira.RunAsync(site)).Status);
        Assert.Empty(_jira.RequestsTo(site, from));
    }

    [Fact]
    public async Task ConfirmedDeletes_PurgeTheTombstones()
    {
        await _jira.SeedAsync(10);
        var site = await _jira.InstallAndWaitAsync();
        await _jira.App.Get<ComponentStore>().DeleteAsync("c-000001");
        Assert.NotNull(await _jira.App.Get<ComponentStore>().FindIncludingDeletedAsync("c-000001"));

        await _jira.RunAsync(site);

        Assert.Null(site.GetComponent("c-000001"));
        Assert.Null(await _jira.App.Get<ComponentStore>().FindIncludingDeletedAsync("c-000001"));
    }

    [Fact]
    public async Task RejectedComponents_AreRecordedWithTheMessage_AndNotResentUntilChanged()
    {
        await _jira.SeedAsync(20);
        // The catalog would refuse this tier; written behind its back to make Jira reject two components.
        await _jira.ExecuteSqlAsync("UPDATE components SET tier = 'Tier 9' WHERE id IN ('c-000003', 'c-000007')");
        var site = await _jira.InstallAndWaitAsync();

        Assert.Equal(18, site.Components.Count);
        var failures = await _jira.App.Get<SyncStatus>().FailuresAsync(site.ClientKey, 10, default);
        Assert.Equal(["c-000003", "c-000007"], failures.Select(f => f.ComponentId).Order());
        Assert.All(failures, f => Assert.Contains("tier", string.Join(" ", f.Messages), StringComparison.OrdinalIgnoreCase));
        var summary = (await _jira.App.Get<SyncStatus>().SiteAsync(site.ClientKey, default))!;
        Assert.Equal((18, 2, 0), (summary.InSync, summary.Failed, summary.Pending));

        var from = _jira.LogPosition;
        await _jira.RunAsync(site);
        Assert.Empty(_jira.RequestsTo(site, from));

        await _jira.App.Get<ComponentStore>().UpsertAsync(SyncedJira.Component("c-000003", tier: "Tier 1"));
        await _jira.RunAsync(site);
        var bulk = Assert.Single(_jira.RequestsTo(site, from), SyncedJira.IsBulk);
        Assert.Equal(1, bulk.ComponentCount);
        Assert.NotNull(site.GetComponent("c-000003"));
        Assert.Single(await _jira.App.Get<SyncStatus>().FailuresAsync(site.ClientKey, 10, default));
    }

    [Fact]
    public async Task FullResync_SendsEverythingAgain()
    {
        await _jira.SeedAsync(30);
        var site = await _jira.InstallAndWaitAsync();
        var from = _jira.LogPosition;

        await _jira.App.Get<SyncStatus>().SyncAsync(site.ClientKey, full: true, default);
        var run = await _jira.WaitForRunAsync(site, r => r.Trigger == SyncTriggers.Operator);

        Assert.True(run.FullSync);
        Assert.Equal(30, _jira.RequestsTo(site, from).Where(SyncedJira.IsBulk).Sum(r => r.ComponentCount));
        from = _jira.LogPosition;
        await _jira.RunAsync(site);
        Assert.Empty(_jira.RequestsTo(site, from));
    }
}
