using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using DevOpsProvider.JiraEmulator;
using DevOpsProvider.Tests.Infrastructure;
using DevOpsProvider.Tests.Sync;
using DevOpsProvider.Web.Sync;

namespace DevOpsProvider.Tests.Faults;

/// <summary>PostgreSQL stopped in the middle of a sync run and started again: nothing is lost, nothing is silent.</summary>
public sealed class PostgresRestartTests
{
    [Fact]
    public async Task PostgresStoppedMidRun_RunStopsCleanly_WritesGet503_NextRunCompletesWithEveryAcceptedWrite()
    {
        using var postgres = await StoppablePostgres.StartAsync();
        await using var jira = await SyncedJira.StartAsync(
            new Dictionary<string, string?> { ["Sync:RequestTimeout"] = "00:00:15" }, connectionString: postgres.ConnectionString);
        var site = await jira.InstallAndWaitAsync();
        await jira.SeedAsync(3000);
        var accepted = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            await jira.Jira.PutComponentAsync($"before-{i}");
            accepted.Add($"before-{i}");
        }

        // Slow answers keep the run going (three batches, each well inside the attempt timeout) while the server stops.
        site.Faults.FailNext(4, FaultKind.Slow, delay: TimeSpan.FromSeconds(3));
        var from = jira.LogPosition;
        using (var sync = await jira.Jira.Api.PostAsync($"api/v1/tenants/{site.ClientKey}/sync", null))
        {
            Assert.Equal(HttpStatusCode.Accepted, sync.StatusCode);
        }

        await Wait.UntilAsync(() => jira.RequestsTo(site, from).Any(SyncedJira.IsBulk), "a first batch landed", TimeSpan.FromSeconds(90));
        postgres.Stop();

        // The app stays up, says it is not ready, and refuses writes with an error instead of losing them.
        using (var live = await jira.App.Client.GetAsync("health/live"))
        {
            Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        }

        using (var ready = await jira.App.Client.GetAsync("health/ready"))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
            Assert.Contains("Unhealthy", await ready.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        var refused = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            var id = $"during-{i}";
            using var write = await jira.Jira.Api.PutAsJsonAsync($"api/v1/components/{id}", NewComponent(id));
            Assert.Equal(HttpStatusCode.ServiceUnavailable, write.StatusCode);
            Assert.Equal("application/problem+json", write.Content.Headers.ContentType?.MediaType);
            using var problem = JsonDocument.Parse(await write.Content.ReadAsStringAsync());
            Assert.Equal(503, problem.RootElement.GetProperty("status").GetInt32());
            Assert.Contains("database", problem.RootElement.GetProperty("title").GetString(), StringComparison.OrdinalIgnoreCase);
            Assert.NotNull(write.Headers.RetryAfter);
            refused.Add(id);
        }

        // A batch in flight when the server went away comes back; the run cannot record it (or read what comes next)
        // and stops there.
        await Wait.UntilAsync(() => site.CallsInFlight == 0, "no call of the run in flight", TimeSpan.FromSeconds(90));
        postgres.Start();

        await Wait.UntilAsync(async () =>
        {
            using var ready = await jira.App.Client.GetAsync("health/ready");
            return ready.StatusCode == HttpStatusCode.OK;
        }, "the app ready again", TimeSpan.FromSeconds(90));
        for (var i = 0; i < 3; i++)
        {
            var id = $"after-{i}";
            await Wait.UntilAsync(async () =>
            {
                using var write = await jira.Jira.Api.PutAsJsonAsync($"api/v1/components/{id}", NewComponent(id));
                return write.IsSuccessStatusCode;
            }, $"the write of {id} accepted", TimeSpan.FromSeconds(60));
            accepted.Add(id);
        }

        var stopped = (await jira.App.Get<SyncRuns>().ListAsync(site.ClientKey, 10, default)).Max(r => r.Id);
        site.Faults.Clear();
        await Wait.UntilAsync(async () =>
        {
            using var sync = await jira.Jira.Api.PostAsync($"api/v1/tenants/{site.ClientKey}/sync", null);
            return sync.StatusCode == HttpStatusCode.Accepted;
        }, "a sync accepted after the restart", TimeSpan.FromSeconds(60));
        await Wait.UntilAsync(async () => (await jira.App.Get<SyncRuns>().ListAsync(site.ClientKey, 10, default))
            .Any(r => r.Id > stopped && r.Outcome == SyncOutcome.Succeeded), "a run after the restart succeeded", TimeSpan.FromSeconds(120));

        await jira.AssertHoldsCatalogAsync(site);
        var held = SyncedJira.Held(site);
        Assert.All(accepted, id => Assert.True(held.ContainsKey(id), $"{id} was accepted (2xx) but is not in Jira"));
        Assert.All(refused, id => Assert.False(held.ContainsKey(id), $"{id} was refused (503) but was stored"));
        Assert.Equal(3000 + accepted.Count, held.Count);
        // The run the outage stopped ended as failed or interrupted (cancelled, if Hangfire gave up on it), never as a success.
        var runs = await jira.App.Get<SyncRuns>().ListAsync(site.ClientKey, 20, default);
        var cut = runs.Single(r => r.Trigger == SyncTriggers.Operator && r.Id <= stopped);
        Assert.Contains(cut.Outcome, new[] { SyncOutcome.Failed, "interrupted", SyncOutcome.Cancelled });
    }

    private static object NewComponent(string id) => new
    {
        id,
        name = "Written around an outage",
        description = "A component written while PostgreSQL restarts",
        url = $"https://components.example.com/{id}",
        avatarUrl = "https://components.example.com/avatar.png",
        tier = "Tier 2",
        componentType = "Service",
        scope = "default",
    };
}
