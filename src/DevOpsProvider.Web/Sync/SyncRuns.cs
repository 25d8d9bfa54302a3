using System.Data.Common;
using Dapper;
using Npgsql;

namespace DevOpsProvider.Web.Sync;

/// <summary>The sync_runs records: one per run, updated after every batch so a running run shows live progress.</summary>
public sealed class SyncRuns(NpgsqlDataSource dataSource, TimeProvider time)
{
    private const string Columns = """
        id, client_key, trigger, full_sync, started_at, finished_at, outcome, pending, sent, accepted, failed, deleted,
        requests, retries, bytes_sent, error
        """;

    /// <summary>
    /// Opens a run. Called under the site's lock, so any other 'running' row of the site is a run that died
    /// (crash, kill): it is marked interrupted.
    /// </summary>
    public async Task<long> StartAsync(string clientKey, string trigger, bool full, int pending, CancellationToken cancellationToken)
    {
        const string interrupt = """
            UPDATE sync_runs SET outcome = 'interrupted', finished_at = @now, error = 'the run stopped without finishing (process ended or job killed)'
            WHERE client_key = @clientKey AND outcome = 'running'
            """;
        const string insert = """
            INSERT INTO sync_runs (client_key, trigger, full_sync, started_at, outcome, pending)
            VALUES (@clientKey, @trigger, @full, @now, 'running', @pending)
            RETURNING id
            """;
        var now = time.GetUtcNow().UtcDateTime;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(interrupt, new { clientKey, now }, cancellationToken: cancellationToken));
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition(insert, new { clientKey, trigger, full, now, pending }, cancellationToken: cancellationToken));
    }

    public static Task UpdateProgressAsync(DbConnection connection, DbTransaction? transaction, long runId, RunProgress progress, CancellationToken cancellationToken)
    {
        const string sql = """
            UPDATE sync_runs SET sent = @Sent, accepted = @Accepted, failed = @Failed, deleted = @Deleted,
                requests = @Requests, retries = @Retries, bytes_sent = @BytesSent
            WHERE id = @runId
            """;
        var args = new DynamicParameters(progress.Snapshot());
        args.Add("runId", runId);
        return connection.ExecuteAsync(new CommandDefinition(sql, args, transaction, cancellationToken: cancellationToken));
    }

    /// <summary>Closes the run and trims the site's history to the newest <paramref name="keep"/> runs.</summary>
    public async Task FinishAsync(long runId, string clientKey, string outcome, string? error, RunProgress progress, int keep)
    {
        const string finish = "UPDATE sync_runs SET outcome = @outcome, error = @error, finished_at = @now WHERE id = @runId";
        const string trim = """
            DELETE FROM sync_runs WHERE client_key = @clientKey AND id < (
                SELECT min(id) FROM (SELECT id FROM sync_runs WHERE client_key = @clientKey ORDER BY id DESC LIMIT @keep) newest)
            """;
        // Recorded even when the run was cancelled: the record must say how it ended.
        await using var connection = await dataSource.OpenConnectionAsync(CancellationToken.None);
        await UpdateProgressAsync(connection, null, runId, progress, CancellationToken.None);
        await connection.ExecuteAsync(new CommandDefinition(finish, new { runId, outcome, error, now = time.GetUtcNow().UtcDateTime }));
        await connection.ExecuteAsync(new CommandDefinition(trim, new { clientKey, keep }));
    }

    public async Task<IReadOnlyList<SyncRunRecord>> ListAsync(string clientKey, int limit, CancellationToken cancellationToken)
    {
        const string sql = $"SELECT {Columns} FROM sync_runs WHERE client_key = @clientKey ORDER BY id DESC LIMIT @limit";
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return [.. await connection.QueryAsync<SyncRunRecord>(new CommandDefinition(sql, new { clientKey, limit }, cancellationToken: cancellationToken))];
    }

    /// <summary>The newest runs of every site (the dashboard's overview).</summary>
    public async Task<IReadOnlyList<SyncRunRecord>> RecentAsync(int limit, CancellationToken cancellationToken)
    {
        const string sql = $"SELECT {Columns} FROM sync_runs ORDER BY id DESC LIMIT @limit";
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return [.. await connection.QueryAsync<SyncRunRecord>(new CommandDefinition(sql, new { limit }, cancellationToken: cancellationToken))];
    }

    public async Task<SyncRunRecord?> GetAsync(long runId, CancellationToken cancellationToken)
    {
        const string sql = $"SELECT {Columns} FROM sync_runs WHERE id = @runId";
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<SyncRunRecord>(new CommandDefinition(sql, new { runId }, cancellationToken: cancellationToken));
    }
}

/// <summary>One row of sync_runs. Outcome: running, succeeded, failed, cancelled, interrupted or needs-attention.</summary>
public sealed class SyncRunRecord
{
    public long Id { get; init; }

    public required string ClientKey { get; init; }

    public required string Trigger { get; init; }

    public bool FullSync { get; init; }

    public DateTime StartedAt { get; init; }

    public DateTime? FinishedAt { get; init; }

    public required string Outcome { get; init; }

    /// <summary>Components due when the run started (to send and to delete): with Sent and Deleted, the live progress.</summary>
    public int Pending { get; init; }

    public int Sent { get; init; }

    public int Accepted { get; init; }

    public int Failed { get; init; }

    public int Deleted { get; init; }

    public int Requests { get; init; }

    public int Retries { get; init; }

    public long BytesSent { get; init; }

    public string? Error { get; init; }
}

/// <summary>The counts of the run in progress (one per run, updated from the run's own flow only), also counted in the metrics.</summary>
public sealed class RunProgress(SyncMetrics? metrics = null, CancellationToken stopping = default)
{
    public RequestCounters Counters { get; } = new(stopping);

    public int Sent { get; private set; }

    public int Accepted { get; private set; }

    public int Failed { get; private set; }

    public int Deleted { get; private set; }

    public void Add(int sent = 0, int accepted = 0, int failed = 0, int deleted = 0)
    {
        Sent += sent;
        Accepted += accepted;
        Failed += failed;
        Deleted += deleted;
        metrics?.Components(SyncMetrics.Sent, sent);
        metrics?.Components(SyncMetrics.Accepted, accepted);
        metrics?.Components(SyncMetrics.Failed, failed);
        metrics?.Components(SyncMetrics.Deleted, deleted);
    }

    public object Snapshot() => new { Sent, Accepted, Failed, Deleted, Counters.Requests, Counters.Retries, Counters.BytesSent };
}
