using System.Net;
using DevOpsProvider.JiraEmulator;
using DevOpsProvider.Web.Connect;
using DevOpsProvider.Web.Sync;

namespace DevOpsProvider.Tests.Sync;

/// <summary>The Jira client's edges: waits Jira asks for, 413 halving, the current wire form, ids needing encoding.</summary>
public sealed class JiraClientTests
{
    private static readonly DateTimeOffset Now = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void RetryAfter_InSecondsOrAsADate_IsHonouredAndCapped()
    {
        using var seconds = new HttpResponseMessage(HttpStatusCode.TooManyRequests);
        seconds.Headers.TryAddWithoutValidation("Retry-After", "7");
        using var date = new HttpResponseMessage(HttpStatusCode.ServiceUnavailable);
        date.Headers.TryAddWithoutValidation("Retry-After", Now.AddSeconds(30).ToString("R"));
        using var tooLong = new HttpResponseMessage(HttpStatusCode.TooManyRequests);
        tooLong.Headers.TryAddWithoutValidation("Retry-After", "86400");

        Assert.Equal(TimeSpan.FromSeconds(7), JiraResilience.ServerDelay(seconds, Now, TimeSpan.FromMinutes(5)));
        Assert.Equal(TimeSpan.FromSeconds(30), JiraResilience.ServerDelay(date, Now, TimeSpan.FromMinutes(5)));
        Assert.Equal(TimeSpan.FromMinutes(5), JiraResilience.ServerDelay(tooLong, Now, TimeSpan.FromMinutes(5)));
    }

    [Theory]
    [InlineData("2026-01-01T12:00:20Z", 20)]
    [InlineData("1767268815", 15)]
    [InlineData("4", 4)]
    public void RateLimitReset_AsTimestampEpochOrSeconds_GivesTheWait(string header, int expectedSeconds)
    {
        using var response = new HttpResponseMessage(HttpStatusCode.TooManyRequests);
        response.Headers.TryAddWithoutValidation("X-RateLimit-Reset", header);

        Assert.Equal(TimeSpan.FromSeconds(expectedSeconds), JiraResilience.ServerDelay(response, Now, TimeSpan.FromMinutes(5)));
    }

    [Fact]
    public void OtherStatuses_LeaveTheWaitToTheBackoff()
    {
        using var response = new HttpResponseMessage(HttpStatusCode.InternalServerError);
        response.Headers.TryAddWithoutValidation("Retry-After", "3");

        Assert.Null(JiraResilience.ServerDelay(response, Now, TimeSpan.FromMinutes(5)));
    }

    [Fact]
    public async Task PayloadTooLarge_HalvesTheBatch_AndEverythingLands()
    {
        // Jira takes at most 150 KB here while the app would send 1 MiB batches.
        await using var jira = await SyncedJira.StartAsync(emulatorOptions: new EmulatorOptions { MaxPayloadBytes = 150 * 1024 });
        var site = await jira.InstallAndWaitAsync();
        await jira.SeedAsync(1500);
        var from = jira.LogPosition;

        Assert.Equal(SyncOutcome.Succeeded, (await jira.RunAsync(site)).Status);

        await jira.AssertHoldsCatalogAsync(site);
        Assert.Contains(jira.RequestsTo(site, from), r => r.Status == 413);
        Assert.Empty(await jira.App.Get<SyncStatus>().FailuresAsync(site.ClientKey, 10, default));
    }

    [Fact]
    public async Task CurrentWireForm_AndIdsWithSlashesColonsAndSpaces_RoundTrip()
    {
        await using var jira = await SyncedJira.StartAsync(new Dictionary<string, string?> { ["Jira:ComponentsApi"] = "current" });
        var site = await jira.InstallAndWaitAsync();
        var store = jira.App.Get<DevOpsProvider.Web.Catalog.ComponentStore>();
        await store.UpsertAsync(SyncedJira.Component("team/svc: one"));
        await jira.RunAsync(site);
        var tenant = (await jira.App.Get<TenantStore>().FindAsync(site.ClientKey))!;
        var client = jira.App.Get<JiraClient>();

        var fetched = await client.GetAsync(tenant, "team/svc: one", default);
        Assert.Equal("team/svc: one", (string?)fetched!["id"]);

        await store.DeleteAsync("team/svc: one");
        await jira.RunAsync(site);
        Assert.Null(site.GetComponent("team/svc: one"));
        Assert.Null(await client.GetAsync(tenant, "team/svc: one", default));
        Assert.Contains(jira.RequestsTo(site), r => r.Method == "DELETE" && r.Path.Contains("/devopscomponents/team%2Fsvc%3A%20one", StringComparison.Ordinal));
    }
}
