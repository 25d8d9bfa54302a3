using System.Net;
using System.Net.Http.Headers;
using DevOpsProvider.JiraEmulator;
using DevOpsProvider.Tests.Sync;
using DevOpsProvider.Web.Sync;

namespace DevOpsProvider.Tests.Operations;

/// <summary>/metrics after real syncs against the emulator: the counters say what happened, and only key holders see them.</summary>
public sealed class MetricsTests : IAsyncLifetime
{
    private SyncedJira _jira = null!;

    public async Task InitializeAsync() => _jira = await SyncedJira.StartAsync(new Dictionary<string, string?> { ["Sync:MaxBatchSize"] = "100" });

    public async Task DisposeAsync() => await _jira.DisposeAsync();

    [Fact]
    public async Task Scrape_AfterASync_CountsComponentsRequestsRunsAndTheQueue()
    {
        var site = await _jira.InstallAndWaitAsync();
        await _jira.SeedAsync(250);
        // One answer of 429 first: the retry is a second attempt, counted as Jira saw it.
        site.Faults.FailNext(1, FaultKind.TooManyRequests, retryAfter: TimeSpan.Zero);

        var outcome = await _jira.RunAsync(site);

        Assert.Equal(SyncOutcome.Succeeded, outcome.Status);
        var metrics = await ScrapeAsync();
        Assert.Equal(250, metrics.Sum("devops_provider_sync_components_total", "outcome=accepted"));
        Assert.Equal(250, metrics.Sum("devops_provider_sync_components_total", "outcome=sent"));
        Assert.Equal(0, metrics.Sum("devops_provider_sync_components_total", "outcome=failed"));
        Assert.Equal(3, metrics.Sum("devops_provider_jira_requests_total", "operation=submit", "status=202"));
        Assert.Equal(1, metrics.Sum("devops_provider_jira_requests_total", "operation=submit", "status=429"));
        Assert.True(metrics.Sum("devops_provider_sync_run_duration_seconds_count", "outcome=succeeded", "trigger=test") >= 1, metrics.Text);
        Assert.Single(metrics.Samples("devops_provider_hangfire_queue_length", "queue=default"));
        Assert.Single(metrics.Samples("devops_provider_hangfire_jobs", "state=scheduled"));
    }

    [Fact]
    public async Task Scrape_AfterDeletes_CountsThem()
    {
        var site = await _jira.InstallAndWaitAsync();
        await _jira.SeedAsync(5);
        await _jira.RunAsync(site);
        foreach (var id in new[] { "c-000000", "c-000001" })
        {
            using var deleted = await _jira.Jira.Api.DeleteAsync($"api/v1/components/{id}");
            Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        }

        await _jira.RunAsync(site);

        var metrics = await ScrapeAsync();
        Assert.Equal(2, metrics.Sum("devops_provider_sync_components_total", "outcome=deleted"));
        Assert.Equal(2, metrics.Sum("devops_provider_jira_requests_total", "operation=delete", "status=202"));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("not-a-key")]
    public async Task Scrape_WithoutAValidKey_Returns401(string? key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "metrics");
        if (key is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }

        using var response = await _jira.App.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.DoesNotContain("devops_provider", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    private async Task<PrometheusText> ScrapeAsync()
    {
        using var response = await _jira.Jira.Api.GetAsync("metrics");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return new PrometheusText(await response.Content.ReadAsStringAsync());
    }
}
