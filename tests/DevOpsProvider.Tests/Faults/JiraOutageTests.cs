using System.Net.Http.Json;
using Dapper;
using DevOpsProvider.Tests.Infrastructure;
using DevOpsProvider.Tests.Sync;
using DevOpsProvider.Web.Sync;
using Npgsql;

namespace DevOpsProvider.Tests.Faults;

/// <summary>Jira down for longer than a run's retries last: runs fail cleanly, the site shows it, and it heals alone.</summary>
public sealed class JiraOutageTests
{
    // Two retries per request (a budget well under a second) and follow-up runs 1 s, then 2 s, after a failure.
    private static Dictionary<string, string?> ShortBudget(string retryBase = "00:00:01", string retryMax = "00:00:02") => new()
    {
        ["Sync:MaxRetries"] = "2",
        ["Sync:FailureRetryBaseDelay"] = retryBase,
        ["Sync:FailureRetryMaxDelay"] = retryMax,
    };

    [Fact]
    public async Task JiraDownPastTheRetryBudget_RunsFailAndTheSiteShowsIt_ThenEverythingConvergesWithoutAnOperator()
    {
        await using var jira = await SyncedJira.StartAsync(ShortBudget());
        var site = await jira.InstallAndWaitAsync();
        await jira.SeedAsync(1500);
        site.Faults.Down = true;
        var from = jira.LogPosition;

        using (var sync = await jira.Jira.Api.PostAsync($"api/v1/tenants/{site.ClientKey}/sync", null))
        {
            sync.EnsureSuccessStatusCode();
        }

        // The operator's run fails, and the runs after it come on their own (trigger "retry"), failing too while Jira is down.
        await Wait.UntilAsync(async () => (await Runs(jira, site.ClientKey)).Count(r => r.Outcome == SyncOutcome.Failed) >= 3,
            "three failed runs while Jira is down", TimeSpan.FromSeconds(90));
        var failed = (await Runs(jira, site.ClientKey)).Where(r => r.Outcome == SyncOutcome.Failed).ToList();
        Assert.Contains(failed, r => r.Trigger == FailureRetries.Trigger);
        Assert.All(failed, r => Assert.Contains("failed after retries", r.Error, StringComparison.Ordinal));

        // The site shows the outage: last run failed with the reason; it does not need attention (that is for 401/403).
        var shown = await SiteAsync(jira, site.ClientKey);
        Assert.Equal(SyncOutcome.Failed, shown.LastRun!.Outcome);
        Assert.Contains("failed after retries", shown.LastRun.Error, StringComparison.Ordinal);
        Assert.Null(shown.AttentionReason);
        Assert.True(shown.ConsecutiveFailures >= 3, $"consecutive failures: {shown.ConsecutiveFailures}");
        Assert.NotNull(shown.NextRetryAt);

        // No retry storm: each failed run made one request and its two retries, nothing more.
        var requests = jira.RequestsTo(site, from).Count;
        var runsSoFar = (await Runs(jira, site.ClientKey)).Count(r => r.Outcome == SyncOutcome.Failed || r.Outcome == "running");
        Assert.InRange(requests, 3, 3 * runsSoFar);

        site.Faults.Down = false;
        var converged = await jira.WaitForRunAsync(site, r => r.Outcome == SyncOutcome.Succeeded && r.Accepted == 1500);
        Assert.Equal(FailureRetries.Trigger, converged.Trigger);
        await jira.AssertHoldsCatalogAsync(site);
        var healed = await SiteAsync(jira, site.ClientKey);
        Assert.Equal(0, healed.ConsecutiveFailures);
        Assert.Null(healed.NextRetryAt);
        Assert.Null(healed.AttentionReason);
    }

    [Fact]
    public async Task RunsFailingWhileARetryIsPending_ScheduleNoSecondRetry()
    {
        await using var jira = await SyncedJira.StartAsync(ShortBudget(retryBase: "01:00:00", retryMax: "04:00:00"));
        var site = await jira.InstallAndWaitAsync();
        await jira.SeedAsync(10);
        site.Faults.Down = true;

        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(SyncOutcome.Failed, (await jira.RunAsync(site)).Status);
        }

        await using var connection = new NpgsqlConnection(jira.App.ConnectionString);
        var scheduled = await connection.ExecuteScalarAsync<long>(
            """
            SELECT count(*) FROM hangfire.job
            WHERE statename = 'Scheduled' AND arguments::text LIKE '%' || @clientKey || '%' AND arguments::text LIKE '%' || @trigger || '%'
            """,
            new { clientKey = site.ClientKey, trigger = FailureRetries.Trigger });
        Assert.Equal(1, scheduled);
        var shown = await SiteAsync(jira, site.ClientKey);
        Assert.Equal(3, shown.ConsecutiveFailures);
        // Due an hour after the first failure: the later failures rode along instead of scheduling their own.
        Assert.InRange(shown.NextRetryAt!.Value, DateTime.UtcNow.AddMinutes(50), DateTime.UtcNow.AddMinutes(61));
    }

    [Theory]
    [InlineData(1, 30)]
    [InlineData(2, 60)]
    [InlineData(3, 120)]
    [InlineData(5, 480)]
    [InlineData(6, 600)]
    [InlineData(1000, 600)]
    public void RetryDelay_DoublesPerFailureInARow_UpToTheCap(int streak, int seconds)
        => Assert.Equal(TimeSpan.FromSeconds(seconds), FailureRetries.Delay(streak, TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(10)));

    private static Task<IReadOnlyList<SyncRunRecord>> Runs(SyncedJira jira, string clientKey)
        => jira.App.Get<SyncRuns>().ListAsync(clientKey, 100, default);

    private static async Task<SiteSyncSummary> SiteAsync(SyncedJira jira, string clientKey)
    {
        var sites = await jira.Jira.Api.GetFromJsonAsync<List<SiteSyncSummary>>("api/v1/tenants");
        return sites!.Single(s => s.ClientKey == clientKey);
    }
}
