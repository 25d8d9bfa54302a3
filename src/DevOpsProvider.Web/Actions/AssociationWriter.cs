using System.Threading.Channels;
using Npgsql;

namespace DevOpsProvider.Web.Actions;

/// <summary>
/// Group commit for association changes: the action endpoints hand their change here and await its commit; one
/// writer takes every change waiting at that moment (up to <see cref="MaxBatch"/>) and commits them together in one
/// transaction and one round trip. Each request still answers only once its change is durable, but the database sees
/// a few large transactions instead of one per request (docs/benchmarks.md: the per-request write was the bottleneck).
/// </summary>
public sealed class AssociationWriter(NpgsqlDataSource dataSource, TimeProvider time, ILogger<AssociationWriter> logger) : BackgroundService
{
    public const int MaxBatch = 256;

    /// <summary>Upserts the link and logs the change in one statement (a repeat refreshes who and when).</summary>
    private const string AssociateSql = """
            WITH upsert AS (
                INSERT INTO associations (client_key, component_id, target_type, target_id, cloud_id, ari, associated_by, associated_at)
                VALUES (@clientKey, @componentId, @Type, @Id, @CloudId, @Ari, @actor, @now)
                ON CONFLICT (client_key, component_id, target_type, target_id) DO UPDATE SET
                    cloud_id = COALESCE(excluded.cloud_id, associations.cloud_id),
                    ari = COALESCE(excluded.ari, associations.ari),
                    associated_by = COALESCE(excluded.associated_by, associations.associated_by),
                    associated_at = excluded.associated_at
                RETURNING 1
            )
            INSERT INTO association_log (client_key, component_id, target_type, target_id, change, action, actor, occurred_at)
            SELECT @clientKey, @componentId, @Type, @Id, 'associated', @action, @actor, @now FROM upsert
            """;

    /// <summary>Removes the link (already gone is fine) and logs the change.</summary>
    private const string DisassociateSql = """
            WITH removed AS (
                DELETE FROM associations
                WHERE client_key = @clientKey AND component_id = @componentId AND target_type = @Type AND target_id = @Id
                RETURNING 1
            )
            INSERT INTO association_log (client_key, component_id, target_type, target_id, change, action, actor, occurred_at)
            VALUES (@clientKey, @componentId, @Type, @Id, 'disassociated', @action, @actor, @now)
            """;
    private readonly Channel<Change> _changes = Channel.CreateBounded<Change>(new BoundedChannelOptions(10_000) { SingleReader = true });

    public async Task WriteAsync(string clientKey, string componentId, AssociationTarget target, string? actor, string action, bool associate, CancellationToken cancellationToken)
    {
        var change = new Change(clientKey, componentId, target, actor, action, associate, time.GetUtcNow().UtcDateTime);
        await _changes.Writer.WriteAsync(change, cancellationToken);
        await change.Committed.Task.WaitAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var batch = new List<Change>(MaxBatch);
        // On shutdown the loop drains what is already queued, so that no accepted request is left waiting.
        while (await _changes.Reader.WaitToReadAsync(CancellationToken.None))
        {
            while (batch.Count < MaxBatch && _changes.Reader.TryRead(out var change))
            {
                batch.Add(change);
            }

            await CommitAsync(batch);
            batch.Clear();
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        _changes.Writer.TryComplete();
        await base.StopAsync(cancellationToken);
    }

    private async Task CommitAsync(List<Change> batch)
    {
        try
        {
            await ExecuteAsync(batch);
            batch.ForEach(c => c.Committed.TrySetResult());
        }
#pragma warning disable CA1031 // The writer loop must survive any failure: it is reported to the waiting requests instead.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            if (batch.Count == 1)
            {
                batch[0].Committed.TrySetException(ex);
                return;
            }

            // One bad change must not fail the others: try each alone.
            logger.LogWarning(ex, "A batch of {Count} association changes failed; retrying them one by one", batch.Count);
            foreach (var change in batch)
            {
                await CommitAsync([change]);
            }
        }
    }

    private async Task ExecuteAsync(List<Change> batch)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await using var command = new NpgsqlBatch(connection, transaction);
        foreach (var c in batch)
        {
            var statement = new NpgsqlBatchCommand(c.Associate ? AssociateSql : DisassociateSql);
            statement.Parameters.AddWithValue("clientKey", c.ClientKey);
            statement.Parameters.AddWithValue("componentId", c.ComponentId);
            statement.Parameters.AddWithValue("Type", c.Target.Type);
            statement.Parameters.AddWithValue("Id", c.Target.Id);
            statement.Parameters.AddWithValue("CloudId", NpgsqlTypes.NpgsqlDbType.Text, (object?)c.Target.CloudId ?? DBNull.Value);
            statement.Parameters.AddWithValue("Ari", NpgsqlTypes.NpgsqlDbType.Text, (object?)c.Target.Ari ?? DBNull.Value);
            statement.Parameters.AddWithValue("actor", NpgsqlTypes.NpgsqlDbType.Text, (object?)c.Actor ?? DBNull.Value);
            statement.Parameters.AddWithValue("action", c.Action);
            statement.Parameters.AddWithValue("now", c.At);
            command.BatchCommands.Add(statement);
        }

        await command.ExecuteNonQueryAsync();
        await transaction.CommitAsync();
    }

    private sealed record Change(string ClientKey, string ComponentId, AssociationTarget Target, string? Actor, string Action, bool Associate, DateTime At)
    {
        public TaskCompletionSource Committed { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
