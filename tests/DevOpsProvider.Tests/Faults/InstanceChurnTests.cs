using DevOpsProvider.JiraEmulator;
using DevOpsProvider.Tests.Infrastructure;
using DevOpsProvider.Tests.Sync;
using DevOpsProvider.Web.Sync;

namespace DevOpsProvider.Tests.Faults;

/// <summary>
/// Three app instances on one database, one stopped and another started while Hangfire spreads the runs of several
/// sites between them (Sync/ConcurrencyTests covers two instances racing over one site by direct calls).
/// </summary>
public sealed class InstanceChurnTests
{
    private const int Components = 4000;

    private static Dictionary<string, string?> Settings(SyncedJira? jira = null)
    {
        var settings = SyncedJira.FastSettings(new Dictionary<string, string?> { ["Sync:QueuePollInterval"] = "00:00:00.500" });
        if (jira is not null)
        {
            settings["Connect:InstallKeysBaseUrl"] = jira.Emulator.InstallKeysBaseUrl;
        }

        return settings;
    }

    [Fact]
    public async Task InstancesStoppedAndStartedDuringSync_EverySiteConverges_NoSiteEverHasTwoRunsAtOnce()
    {
        await using var jira = await SyncedJira.StartAsync(Settings());
        var sites = new List<EmulatorSite>();
        for (var i = 0; i < 4; i++)
        {
            sites.Add(await jira.InstallAndWaitAsync());
        }

        TestApp? second = await TestApp.StartAsync(Settings(jira), connectionString: jira.App.ConnectionString);
        TestApp? third = await TestApp.StartAsync(Settings(jira), connectionString: jira.App.ConnectionString);
        TestApp? fourth = null;
        try
        {
            await jira.SeedAsync(Components);
            foreach (var site in sites)
            {
                // Four batches of slow answers per site: runs last long enough to be caught by a stopping instance.
                site.Faults.FailNext(4, FaultKind.Slow, delay: TimeSpan.FromMilliseconds(600));
            }

            var from = jira.LogPosition;
            // Every instance asks for every site at once; Hangfire shares the jobs out.
            foreach (var app in new[] { jira.App, second, third })
            {
                app.Get<SyncStatus>().SyncAll();
            }

            await Wait.UntilAsync(() => sites.Count(s => jira.RequestsTo(s, from).Any(SyncedJira.IsBulk)) >= 2, "runs under way", TimeSpan.FromSeconds(90));
            await second.DisposeAsync();
            second = null;
            fourth = await TestApp.StartAsync(Settings(jira), connectionString: jira.App.ConnectionString);
            await Wait.UntilAsync(() => jira.RequestsTo(sites[0], from).Count(SyncedJira.IsBulk) + jira.RequestsTo(sites[1], from).Count(SyncedJira.IsBulk) >= 4,
                "more batches landed", TimeSpan.FromSeconds(90));
            await third.DisposeAsync();
            third = null;

            foreach (var site in sites)
            {
                await Wait.UntilAsync(async () => SyncedJira.Held(site).Count == Components
                    && (await jira.App.Get<SyncRuns>().ListAsync(site.ClientKey, 50, default)).All(r => r.Outcome != "running"),
                    $"{site.ClientKey} holds the catalog (app errors: {jira.App.Errors})", TimeSpan.FromSeconds(120));
                await jira.AssertHoldsCatalogAsync(site);
                // One run at a time per site, across every instance: Jira never saw two calls of one site overlap.
                Assert.Equal(1, site.PeakConcurrentCalls);
                // A run cut off by a stopping instance may resend what it had not recorded, nothing more.
                var sent = jira.RequestsTo(site, from).Where(r => SyncedJira.IsBulk(r) && r.Status == 202).Sum(r => r.ComponentCount);
                Assert.InRange(sent, Components, Components + 2000);
            }
        }
        finally
        {
            foreach (var app in new[] { second, third, fourth })
            {
                if (app is not null)
                {
                    await app.DisposeAsync();
                }
            }
        }
    }
}
