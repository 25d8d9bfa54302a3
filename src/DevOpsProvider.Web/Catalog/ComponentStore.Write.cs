using Dapper;
using Npgsql;
using NpgsqlTypes;

namespace DevOpsProvider.Web.Catalog;

public enum WriteOutcome
{
    Created,
    Updated,
    Unchanged,
}

/// <summary>What happened to one component of a write; Index is its position in the list given to the store.</summary>
public sealed record StoredComponent(int Index, string Id, WriteOutcome Outcome, long Version);

/// <param name="ReplaceScopes">Replace mode: live components of these scopes that the write does not name are deleted.</param>
/// <param name="KeepIds">Ids replace mode must not delete although the write lacks them (items that failed validation).</param>
/// <param name="DryRun">Work out the outcome, then roll it back: nothing changes and no listener is told.</param>
public sealed record CatalogWriteOptions(IReadOnlyCollection<string>? ReplaceScopes = null, IReadOnlyCollection<string>? KeepIds = null, bool DryRun = false);

public sealed record CatalogWriteResult(IReadOnlyList<StoredComponent> Stored, IReadOnlyList<string> DeletedIds, IReadOnlyCollection<string> ChangedScopes);

public sealed partial class ComponentStore
{
    /// <summary>Creates or replaces one component.</summary>
    public async Task<StoredComponent> UpsertAsync(CatalogComponent component, CancellationToken cancellationToken = default)
        => (await UpsertManyAsync([component], null, cancellationToken)).Stored[0];

    /// <summary>
    /// Creates or replaces many components in one transaction of a few set-based statements (binary COPY into a
    /// staging table, then one merge), whatever the count. Ids must be distinct. Only changed components get a new
    /// version; unchanged ones (every field equal, scope included) keep theirs.
    /// </summary>
    public async Task<CatalogWriteResult> UpsertManyAsync(IReadOnlyList<CatalogComponent> components, CatalogWriteOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new CatalogWriteOptions();
        var duplicate = components.GroupBy(c => c.Id, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new ArgumentException($"The id '{duplicate.Key}' appears more than once.", nameof(components));
        }

        var now = time.GetUtcNow().UtcDateTime;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await LockClockAsync(connection, cancellationToken);
        await StageAsync(connection, components, cancellationToken);

        var changes = await ClassifyAsync(connection, cancellationToken);
        var replaceScopes = options.ReplaceScopes?.ToArray() ?? [];
        var keepIds = options.KeepIds?.ToArray() ?? [];
        var deletions = replaceScopes.Length == 0 ? 0 : await CountReplacedAsync(connection, replaceScopes, keepIds, cancellationToken);
        var first = await ReserveVersionsAsync(connection, changes + deletions, now, cancellationToken);

        const string merge = """
            INSERT INTO components (id, scope, name, provider_name, description, url, avatar_url, tier, component_type,
                                    last_updated, version, deleted_at, created_at, updated_at)
            SELECT id, scope, name, provider_name, description, url, avatar_url, tier, component_type,
                   COALESCE(last_updated, @now), @first + row_number() OVER (ORDER BY ord) - 1, NULL, @now, @now
            FROM catalog_stage WHERE kind <> 'unchanged'
            ON CONFLICT (id) DO UPDATE SET
                scope = excluded.scope, name = excluded.name, provider_name = excluded.provider_name,
                description = excluded.description, url = excluded.url, avatar_url = excluded.avatar_url,
                tier = excluded.tier, component_type = excluded.component_type, last_updated = excluded.last_updated,
                version = excluded.version, deleted_at = NULL, updated_at = excluded.updated_at
            """;
        const string results = """
            SELECT s.ord, s.id, s.kind, s.scope, s.old_scope AS oldscope, c.version
            FROM catalog_stage s JOIN components c ON c.id = s.id ORDER BY s.ord
            """;
        if (changes > 0)
        {
            await connection.ExecuteAsync(new CommandDefinition(merge, new { now, first }, transaction, cancellationToken: cancellationToken));
        }

        var rows = await connection.QueryAsync<StageResult>(new CommandDefinition(results, transaction: transaction, cancellationToken: cancellationToken));
        var stored = new List<StoredComponent>(components.Count);
        var scopes = new HashSet<string>(StringComparer.Ordinal);
        foreach (var row in rows)
        {
            var outcome = row.Kind switch { "created" => WriteOutcome.Created, "updated" => WriteOutcome.Updated, _ => WriteOutcome.Unchanged };
            stored.Add(new StoredComponent(row.Ord, row.Id, outcome, row.Version));
            if (outcome != WriteOutcome.Unchanged)
            {
                scopes.Add(row.Scope);
                if (row.OldScope is not null)
                {
                    // A component that moved scope must also disappear from the sites of its old scope.
                    scopes.Add(row.OldScope);
                }
            }
        }

        var deleted = deletions == 0 ? [] : await DeleteReplacedAsync(connection, replaceScopes, keepIds, first + changes, now, scopes, cancellationToken);
        await FinishAsync(transaction, options.DryRun, scopes, cancellationToken);
        return new CatalogWriteResult(stored, deleted, scopes);
    }

    /// <summary>Deletes a component: it becomes a tombstone with a new version, so sync sees the deletion as a change.</summary>
    /// <returns>False when there is no live component with this id.</returns>
    public async Task<bool> DeleteAsync(string id, CancellationToken cancellationToken = default)
    {
        const string find = "SELECT scope FROM components WHERE id = @id AND deleted_at IS NULL";
        const string tombstone = "UPDATE components SET deleted_at = @now, updated_at = @now, version = @version WHERE id = @id";
        var now = time.GetUtcNow().UtcDateTime;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await LockClockAsync(connection, cancellationToken);
        var scope = await connection.QuerySingleOrDefaultAsync<string>(new CommandDefinition(find, new { id }, transaction, cancellationToken: cancellationToken));
        if (scope is null)
        {
            return false;
        }

        var version = await ReserveVersionsAsync(connection, 1, now, cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(tombstone, new { id, now, version }, transaction, cancellationToken: cancellationToken));
        await FinishAsync(transaction, dryRun: false, [scope], cancellationToken);
        return true;
    }

    /// <summary>
    /// Every catalog write takes the clock's row lock first and holds it to commit. Writes are thereby serialised, so
    /// versions become visible in the order they were handed out: sync can read "everything above my last version"
    /// without missing a change that commits late with a lower number.
    /// </summary>
    private static async Task LockClockAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT last_version FROM catalog_clock FOR UPDATE", connection);
        await command.ExecuteScalarAsync(cancellationToken);
    }

    /// <summary>Reserves <paramref name="count"/> versions: epoch milliseconds, bumped past the last one handed out. Returns the first.</summary>
    private static async Task<long> ReserveVersionsAsync(NpgsqlConnection connection, long count, DateTime now, CancellationToken cancellationToken)
    {
        const string sql = """
            UPDATE catalog_clock SET last_version = GREATEST(last_version, @nowMs - 1) + @count
            RETURNING last_version - @count + 1
            """;
        if (count == 0)
        {
            return 0;
        }

        var nowMs = new DateTimeOffset(now).ToUnixTimeMilliseconds();
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("nowMs", nowMs);
        command.Parameters.AddWithValue("count", count);
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    private async Task FinishAsync(NpgsqlTransaction transaction, bool dryRun, HashSet<string> scopes, CancellationToken cancellationToken)
    {
        if (dryRun)
        {
            await transaction.RollbackAsync(cancellationToken);
            return;
        }

        await transaction.CommitAsync(cancellationToken);
        if (scopes.Count > 0)
        {
            await NotifyAsync(scopes, cancellationToken);
        }
    }

    private async Task NotifyAsync(IReadOnlyCollection<string> scopes, CancellationToken cancellationToken)
    {
        // Resolved per call rather than injected: a listener (sync) may itself depend on this store.
        foreach (var listener in services.GetServices<ICatalogChangeListener>())
        {
            try
            {
                await listener.OnCatalogChangedAsync(scopes, cancellationToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // The write has committed; a listener's failure must not turn it into an error for the provider.
                logger.LogError(e, "Catalog change listener {Listener} failed for scopes {Scopes}", listener.GetType().Name, string.Join(", ", scopes));
            }
        }
    }

    private sealed record StageResult(int Ord, string Id, string Kind, string Scope, string? OldScope, long Version);
}
