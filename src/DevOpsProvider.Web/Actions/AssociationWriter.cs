using System.Threading.Channels;
using Npgsql;

namespace DevOpsProvider.Web.Actions;

/// <summary>
/// Group commit for association changes: the action endpoints hand their change here and await its commit; one
/// writer takes every change waiting at that moment (up to <see cref="MaxBatch"/>) and commits them with one
/// multi-row statement, which is its own transaction: one round trip, one commit (one WAL flush) per batch. Each
/// request still answers only once its change is durable (docs/architecture.md, "Association writes").
/// </summary>
public sealed class AssociationWriter(NpgsqlDataSource dataSource, TimeProvider time, ILogger<AssociationWriter> logger) : BackgroundService
{
    public const int MaxBatch = 512;

    private readonly Channel<AssociationChange> _changes = Channel.CreateBounded<AssociationChange>(new BoundedChannelOptions(10_000) { SingleReader = true });

    // The writer's own connection, kept open between batches: no pool round trip and no session reset per batch,
    // and the statement stays prepared on it. Replaced after any failure (the connection may be broken).
    private NpgsqlConnection? _connection;

    public async Task WriteAsync(string clientKey, string componentId, AssociationTarget target, string? actor, string action, bool associate, CancellationToken cancellationToken)
    {
        var change = new AssociationChange(clientKey, componentId, target, actor, action, associate, time.GetUtcNow().UtcDateTime);
        await _changes.Writer.WriteAsync(change, cancellationToken);
        await change.Committed.Task.WaitAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var batch = new List<AssociationChange>(MaxBatch);
        try
        {
            // On shutdown the loop drains what is already queued, so that no accepted request is left waiting.
            while (await _changes.Reader.WaitToReadAsync(CancellationToken.None))
            {
                while (batch.Count < MaxBatch && _changes.Reader.TryRead(out var change))
                {
                    batch.Add(change);
                }

                foreach (var statement in AssociationBatch.SplitByKey(batch))
                {
                    await CommitAsync(statement);
                }

                batch.Clear();
            }
        }
        finally
        {
            await DropConnectionAsync();
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        _changes.Writer.TryComplete();
        await base.StopAsync(cancellationToken);
    }

    private async Task CommitAsync(IReadOnlyList<AssociationChange> changes)
    {
        try
        {
            _connection ??= await dataSource.OpenConnectionAsync();
            await using (var command = AssociationBatch.Command(changes, _connection))
            {
                await command.ExecuteNonQueryAsync();
            }

            foreach (var change in changes)
            {
                change.Committed.TrySetResult();
            }
        }
#pragma warning disable CA1031 // The writer loop must survive any failure: it is reported to the waiting requests instead.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            await DropConnectionAsync();
            if (changes.Count == 1)
            {
                changes[0].Committed.TrySetException(ex);
                return;
            }

            // One bad change must not fail the others: the statement committed nothing, so try each alone.
            logger.LogWarning(ex, "A batch of {Count} association changes failed; retrying them one by one", changes.Count);
            foreach (var change in changes)
            {
                await CommitAsync([change]);
            }
        }
    }

    private async Task DropConnectionAsync()
    {
        if (_connection is not null)
        {
            await _connection.DisposeAsync();
            _connection = null;
        }
    }
}

/// <summary>One association change waiting for its commit.</summary>
public sealed record AssociationChange(string ClientKey, string ComponentId, AssociationTarget Target, string? Actor, string Action, bool Associate, DateTime At)
{
    public TaskCompletionSource Committed { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}
