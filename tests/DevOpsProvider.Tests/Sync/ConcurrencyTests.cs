using DevOpsProvider.JiraEmulator;
using DevOpsProvider.Tests.Infrastructure;
using DevOpsProvider.Web.Sync;

namespace DevOpsProvider.Tests.Sync;

/// <summary>Several app instances on one database, and runs that die half way.</summary>
public sealed class ConcurrencyTests : IAsyncLifetime
{
    private SyncedJira _jira = null!;

    public async Task InitializeAsync() => _jira = await SyncedJira.StartAsync();

    public async Task DisposeAsync() => await _jira.DisposeAsync();

    [Fact]
    public async Task TwoInstances_OneDatabase_EveryComponentArrives_NoBatchSentTwice()
    {
        await using var second = await TestApp.StartAsync(
            SyncedJira.FastSettings(new Dictionary<string, string?> { ["Connect:InstallKeysBaseUrl"] = _jira.Emulator.InstallKeysBaseUrl }),
            connectionString: _jira.App.ConnectionString);
        var site = await _jira.InstallAndWaitAsync();
        await _jira.SeedAsync(3000);
        // Slow answers keep the first run going while the others try.
        site.Faults.FailNext(3, FaultKind.Slow, delay: TimeSpan.FromMilliseconds(300));
        var from = _jira.LogPosition;

        var runs = await Task.WhenAll(
            SyncedJira.RunAsync(_jira.App, site),
            SyncedJira.RunAsync(second, site),
            SyncedJira.RunAsync(_jira.App, site),
            SyncedJira.RunAsync(second, site));
        await _jira.App.Get<SyncStatus>().SyncAsync(site.ClientKey, full: false, default);
        await second.Get<SyncStatus>().SyncAsync(site.ClientKey, full: false, default);
        await _jira.WaitForRunAsync(site, r => r.Trigger == SyncTriggers.Operator);

        Assert.Contains(runs, r => r.Status == SyncOutcome.Succeeded);
        await _jira.AssertHoldsCatalogAsync(site);
        var bulk = _jira.RequestsTo(site, from).Where(SyncedJira.IsBulk).ToList();
        Assert.Equal(3000, bulk.Sum(r => r.ComponentCount));
        Assert.Equal(3, bulk.Count);
    }

    [Fact]
    public async Task RunCancelledHalfWay_NextRunLeavesExactlyTheCatalog()
    {
        var site = await _jira.InstallAndWaitAsync();
        await _jira.SeedAsync(5000);
        site.Faults.FailNext(10, FaultKind.Slow, delay: TimeSpan.FromMilliseconds(400));
        var from = _jira.LogPosition;
        using var cancel = new CancellationTokenSource();

        var run = _jira.RunAsync(site, cancel.Token);
        await Wait.UntilAsync(() => _jira.RequestsTo(site, from).Count(SyncedJira.IsBulk) >= 2, "two batches landed");
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);

        var held = site.Components.Count;
        Assert.InRange(held, 1000, 4999);
        var cancelled = (await _jira.App.Get<SyncRuns>().ListAsync(site.ClientKey, 1, default)).Single();
        Assert.Equal("cancelled", cancelled.Outcome);

        site.Faults.Clear();
        Assert.Equal(SyncOutcome.Succeeded, (await _jira.RunAsync(site)).Status);
        await _jira.AssertHoldsCatalogAsync(site);
        // What the cancelled run recorded is not sent again.
        Assert.True(_jira.RequestsTo(site, from).Where(SyncedJira.IsBulk).Sum(r => r.ComponentCount) <= 5000 + 1000);
    }

    [Fact]
    public async Task AppStoppedMidRun_AnotherInstanceFinishesTheJob()
    {
        await using var second = await TestApp.StartAsync(
            SyncedJira.FastSettings(new Dictionary<string, string?> { ["Connect:InstallKeysBaseUrl"] = _jira.Emulator.InstallKeysBaseUrl }),
            connectionString: _jira.App.ConnectionString);
        var site = await _jira.InstallAndWaitAsync();
        await _jira.SeedAsync(4000);
        site.Faults.FailNext(10, FaultKind.Slow, delay: TimeSpan.FromMilliseconds(400));
        var from = _jira.LogPosition;

        // As Hangfire runs it: the job's token fires when the instance shuts down.
        var run = SyncedJira.RunAsync(second, site, second.App.Lifetime.ApplicationStopping);
        await Wait.UntilAsync(() => _jira.RequestsTo(site, from).Any(SyncedJira.IsBulk), "a batch landed");
        await second.App.StopAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);

        site.Faults.Clear();
        Assert.Equal(SyncOutcome.Succeeded, (await _jira.RunAsync(site)).Status);
        await _jira.AssertHoldsCatalogAsync(site);
    }
}
