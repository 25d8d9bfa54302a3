using Dapper;
using DevOpsProvider.JiraEmulator;
using DevOpsProvider.Tests.Infrastructure;
using DevOpsProvider.Tests.Sync;
using Npgsql;

namespace DevOpsProvider.Tests.Faults;

/// <summary>A hundred sites, each behind Jira's rate limit: all converge, none busy-loops, the queue stays bounded.</summary>
public sealed class ManySitesTests
{
    private const int Sites = 100;
    private const int Components = 1500;

    [Fact]
    public async Task HundredRateLimitedSites_AllConverge_WithoutBusyLoopingOrAGrowingQueue()
    {
        var database = new NpgsqlConnectionStringBuilder(await TestCluster.CreateDatabaseAsync()) { MaxPoolSize = 60 }.ConnectionString;
        // One request per second per site (a burst of one): the second batch of every run meets a 429 and waits.
        await using var jira = await SyncedJira.StartAsync(new Dictionary<string, string?>
        {
            ["Sync:Workers"] = "8",
            ["Sync:QueuePollInterval"] = "00:00:00.500",
            // Under load a 750-component batch may take a while: no attempt is abandoned (and resent) for slowness.
            ["Sync:RequestTimeout"] = "00:00:30",
        }, new EmulatorOptions { SiteRateLimitPerSecond = 1 }, connectionString: database);
        await jira.SeedAsync(Components);
        await using var connection = new NpgsqlConnection(database);
        var peakQueued = 0L;

        var sites = new List<EmulatorSite>();
        for (var i = 0; i < Sites; i++)
        {
            sites.Add(await jira.Jira.InstallSiteAsync());
            peakQueued = Math.Max(peakQueued, await QueuedAsync(connection));
        }

        // Jobs waiting in Hangfire's queue (fetched ones are running), sampled at every look.
        const string accepted = "SELECT count(*) FROM tenant_components WHERE accepted_version IS NOT NULL";
        await Wait.UntilAsync(async () =>
        {
            peakQueued = Math.Max(peakQueued, await QueuedAsync(connection));
            return await connection.ExecuteScalarAsync<long>(accepted) == Sites * Components
                && await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM sync_runs WHERE outcome = 'running'") == 0
                && await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM hangfire.jobqueue") == 0;
        }, $"every site accepted the catalog and the queue drained (app errors: {jira.App.Errors})", TimeSpan.FromSeconds(240));

        foreach (var site in sites)
        {
            await jira.AssertHoldsCatalogAsync(site);
            var requests = jira.RequestsTo(site);
            // The minimum is two batches; each may meet a 429 or two while the bucket refills, never a loop of them.
            Assert.Equal(2, requests.Count(r => SyncedJira.IsBulk(r) && r.Status == 202));
            Assert.InRange(requests.Count(r => r.Status == 429), 0, 4);
            Assert.InRange(requests.Count, 2, 8);
        }

        // At most one run per site waits in the queue (install and enabled share one), plus a few others.
        Assert.InRange(peakQueued, 0, Sites + 10);
    }

    private static Task<long> QueuedAsync(NpgsqlConnection connection)
        => connection.ExecuteScalarAsync<long>("SELECT count(*) FROM hangfire.jobqueue WHERE fetchedat IS NULL");
}
