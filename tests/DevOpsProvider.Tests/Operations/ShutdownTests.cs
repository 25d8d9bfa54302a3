using Dapper;
using DevOpsProvider.JiraEmulator;
using DevOpsProvider.Tests.Infrastructure;
using DevOpsProvider.Tests.Sync;
using DevOpsProvider.Web.Sync;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace DevOpsProvider.Tests.Operations;

/// <summary>A stop signal during a sync run: the batch in flight finishes and is recorded, and nothing is lost or sent twice.</summary>
public sealed class ShutdownTests
{
    private static readonly Dictionary<string, string?> Settings = new()
    {
        ["Sync:MaxBatchSize"] = "100",
        // Jira answers slowly in this test; slow is not a timeout here.
        ["Sync:RequestTimeout"] = "00:01:00",
    };

    [Fact]
    public async Task Stop_WhileABatchIsInFlight_RecordsThatBatch_AndTheNextInstanceSendsOnlyTheRest()
    {
        var bulkSent = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var jira = await SyncedJira.StartAsync(Settings, services: s => s.AddHttpClient<JiraClient>()
            .AddHttpMessageHandler(() => new BulkSentSignal(bulkSent)));
        TestApp? next = null;
        try
        {
            var site = await jira.InstallAndWaitAsync();
            await jira.SeedAsync(500);
            var connectionString = jira.App.ConnectionString;
            // Five batches; Jira takes seconds to answer each, so the stop comes while the first is in flight.
            site.Faults.FailNext(5, FaultKind.Slow, delay: TimeSpan.FromSeconds(4));
            var from = jira.LogPosition;
            await jira.App.Get<SyncTriggers>().SyncSiteAsync(site.ClientKey, full: false, default);
            await bulkSent.Task.WaitAsync(TimeSpan.FromSeconds(120));

            await jira.App.DisposeAsync();

            // Jira answered the batch in flight (it was not cut off), the app recorded it, and no other batch started.
            var bulk = Assert.Single(jira.RequestsTo(site, from), SyncedJira.IsBulk);
            Assert.Equal(202, bulk.Status);
            Assert.Equal(100, bulk.ComponentCount);
            Assert.Equal(100, site.Components.Count);
            await using (var connection = new NpgsqlConnection(connectionString))
            {
                Assert.Equal(100, await connection.ExecuteScalarAsync<long>(
                    "SELECT count(*) FROM tenant_components WHERE client_key = @clientKey AND accepted_version IS NOT NULL", new { clientKey = site.ClientKey }));
                var run = await connection.QuerySingleAsync<(string Outcome, int Accepted, DateTime? FinishedAt)>(
                    "SELECT outcome, accepted, finished_at FROM sync_runs WHERE client_key = @clientKey ORDER BY id DESC LIMIT 1", new { clientKey = site.ClientKey });
                Assert.Equal(SyncOutcome.Cancelled, run.Outcome);
                Assert.Equal(100, run.Accepted);
                Assert.NotNull(run.FinishedAt);
            }

            // Another instance on the same database: Hangfire put the stopped job back in the queue, so it runs again
            // without anyone asking, and sends only what the first did not record.
            site.Faults.Clear();
            from = jira.LogPosition;
            next = await TestApp.StartAsync(SyncedJira.FastSettings(Settings), connectionString: connectionString);
            var runs = next.Get<SyncRuns>();
            await Wait.UntilAsync(async () => (await runs.ListAsync(site.ClientKey, 1, default)) is [{ Outcome: SyncOutcome.Succeeded }],
                "a succeeded run of the site on the next instance", TimeSpan.FromSeconds(120));
            var rest = jira.RequestsTo(site, from).Where(SyncedJira.IsBulk).ToList();
            Assert.Equal(400, rest.Sum(r => r.ComponentCount));
            Assert.All(rest, r => Assert.Equal(202, r.Status));
            Assert.Equal(500, site.Components.Count);
        }
        finally
        {
            if (next is not null)
            {
                await next.DisposeAsync();
            }

            await jira.DisposeAsync();
        }
    }

    /// <summary>Tells the test when the app puts its first bulk request on the wire.</summary>
    private sealed class BulkSentSignal(TaskCompletionSource sent) : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (request.Method == HttpMethod.Post && request.RequestUri!.AbsolutePath.EndsWith("/bulk", StringComparison.Ordinal))
            {
                sent.TrySetResult();
            }

            return base.SendAsync(request, cancellationToken);
        }
    }
}
