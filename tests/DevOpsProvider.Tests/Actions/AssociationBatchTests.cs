using System.Globalization;
using DevOpsProvider.Tests.Infrastructure;
using DevOpsProvider.Web.Actions;
using Npgsql;

namespace DevOpsProvider.Tests.Actions;

/// <summary>Group commit: a batch is one statement, so a link that changes twice in a batch is split into two.</summary>
public sealed class AssociationBatchTests
{
    private static AssociationChange Change(string componentId, string targetId, bool associate)
        => new("site-a", componentId, new AssociationTarget("issue", targetId, null, null), null, "test", associate, DateTime.UtcNow);

    [Fact]
    public void SplitByKey_StartsANewStatementWhenALinkRepeats_AndKeepsArrivalOrder()
    {
        var batch = new List<AssociationChange>
        {
            Change("a", "1", true), Change("b", "1", true), Change("a", "2", true),
            Change("a", "1", false), Change("c", "1", true), Change("a", "1", true),
        };

        var statements = AssociationBatch.SplitByKey(batch).ToList();

        Assert.Equal(3, statements.Count);
        Assert.Equal(batch[..3], statements[0]);
        Assert.Equal(batch[3..5], statements[1]);
        Assert.Equal(batch[5..], statements[2]);
    }

    [Fact]
    public void SplitByKey_WithDistinctLinks_IsOneStatement()
    {
        var batch = Enumerable.Range(0, 100).Select(i => Change("a", i.ToString(CultureInfo.InvariantCulture), i % 2 == 0)).ToList();

        Assert.Single(AssociationBatch.SplitByKey(batch));
    }

    [Fact]
    public async Task Writer_LinkAddedAndRemovedInOneBurst_EndsRemoved_AndLogsBothChangesInOrder()
    {
        await using var jira = await EmulatedJira.StartAsync();
        var site = await jira.InstallSiteAsync();
        var writer = jira.App.Get<AssociationWriter>();
        var target = (int i) => new AssociationTarget("issue", (30_000 + i).ToString(CultureInfo.InvariantCulture), null, null);

        // Written without waiting in between, so most pairs share a batch and must land in separate statements.
        var writes = Enumerable.Range(0, 100).SelectMany(i => new[]
        {
            writer.WriteAsync(site.ClientKey, "svc/burst", target(i), "user-1", "onEntityAssociated", associate: true, CancellationToken.None),
            writer.WriteAsync(site.ClientKey, "svc/burst", target(i), "user-1", "onEntityDisassociated", associate: false, CancellationToken.None),
        }).ToList();
        await Task.WhenAll(writes);

        await using var connection = new NpgsqlConnection(jira.App.ConnectionString);
        await connection.OpenAsync();
        await using var count = new NpgsqlCommand("SELECT count(*) FROM associations WHERE client_key = @k", connection);
        count.Parameters.AddWithValue("k", site.ClientKey);
        Assert.Equal(0L, (long)(await count.ExecuteScalarAsync())!);

        await using var log = new NpgsqlCommand("SELECT target_id, change FROM association_log WHERE client_key = @k AND component_id = 'svc/burst' ORDER BY id", connection);
        log.Parameters.AddWithValue("k", site.ClientKey);
        var changes = new List<string>();
        await using (var reader = await log.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                changes.Add($"{reader.GetString(0)} {reader.GetString(1)}");
            }
        }

        var expected = Enumerable.Range(0, 100).SelectMany(i => new[] { $"{30_000 + i} associated", $"{30_000 + i} disassociated" });
        Assert.Equal(expected, changes);
    }
}
