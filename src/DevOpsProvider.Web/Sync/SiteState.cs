using System.Text.Json;
using Dapper;
using DevOpsProvider.Web.Catalog;
using Npgsql;

namespace DevOpsProvider.Web.Sync;

/// <summary>
/// What each site holds (tenant_components) and its sync flags (tenant_sync). Every batch's outcome is written in one
/// transaction with the run's progress, so a crash between batches loses nothing and the next run resumes after it.
/// </summary>
public sealed class SiteState(NpgsqlDataSource dataSource, TimeProvider time)
{
    /// <summary>Outcome of one bulk submission: accepted versions advance, rejections are kept with Jira's messages.</summary>
    public async Task RecordBatchAsync(string clientKey, string scope, IReadOnlyList<CatalogComponent> sent, BulkResponse response, long runId, RunProgress progress, CancellationToken cancellationToken)
    {
        // Ids Jira neither accepted nor rejected were ignored for an old updateSequenceNumber: Jira holds this or newer.
        const string accept = """
            INSERT INTO tenant_components (client_key, component_id, scope, accepted_version)
            SELECT @clientKey, t.id, @scope, t.version FROM unnest(@ids, @versions) AS t(id, version)
            ON CONFLICT (client_key, component_id) DO UPDATE SET
                scope = excluded.scope,
                accepted_version = GREATEST(tenant_components.accepted_version, excluded.accepted_version),
                failed_version = NULL, failure_messages = NULL, failed_at = NULL
            """;
        const string reject = """
            INSERT INTO tenant_components (client_key, component_id, scope, failed_version, failure_messages, failed_at)
            SELECT @clientKey, f.id, @scope, f.version, f.messages, @now
            FROM jsonb_to_recordset(@failures::jsonb) AS f(id text, version bigint, messages text[])
            ON CONFLICT (client_key, component_id) DO UPDATE SET
                scope = excluded.scope, failed_version = excluded.failed_version,
                failure_messages = excluded.failure_messages, failed_at = excluded.failed_at
            """;
        const string unknownKeys = """
            UPDATE tenant_sync SET unknown_project_keys = ARRAY(SELECT DISTINCT k FROM unnest(unknown_project_keys || @keys) AS k ORDER BY k)
            WHERE client_key = @clientKey
            """;

        var accepted = new List<CatalogComponent>(sent.Count);
        var failures = new List<object>();
        foreach (var component in sent)
        {
            if (response.FailedComponents.TryGetValue(component.Id, out var errors))
            {
                failures.Add(new { id = component.Id, version = component.Version, messages = errors.Select(e => e.Message ?? "(no message)").ToArray() });
            }
            else
            {
                accepted.Add(component);
            }
        }

        progress.Add(sent: sent.Count, accepted: accepted.Count, failed: failures.Count);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        if (accepted.Count > 0)
        {
            await connection.ExecuteAsync(new CommandDefinition(accept,
                new { clientKey, scope, ids = accepted.Select(c => c.Id).ToArray(), versions = accepted.Select(c => c.Version).ToArray() },
                transaction, cancellationToken: cancellationToken));
        }

        if (failures.Count > 0)
        {
            await connection.ExecuteAsync(new CommandDefinition(reject,
                new { clientKey, scope, failures = JsonSerializer.Serialize(failures), now = Now() }, transaction, cancellationToken: cancellationToken));
        }

        if (response.UnknownProjectKeys.Count > 0)
        {
            await connection.ExecuteAsync(new CommandDefinition(unknownKeys,
                new { clientKey, keys = response.UnknownProjectKeys.ToArray() }, transaction, cancellationToken: cancellationToken));
        }

        await SyncRuns.UpdateProgressAsync(connection, transaction, runId, progress, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>Jira confirmed these deletes (or never held them): the site no longer has them.</summary>
    public async Task ForgetAsync(string clientKey, IReadOnlyCollection<string> ids, long runId, RunProgress progress, CancellationToken cancellationToken)
    {
        const string sql = "DELETE FROM tenant_components WHERE client_key = @clientKey AND component_id = ANY(@ids)";
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(sql, new { clientKey, ids = ids.ToArray() }, transaction, cancellationToken: cancellationToken));
        await SyncRuns.UpdateProgressAsync(connection, transaction, runId, progress, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>Jira removed everything of a scope (or, with null, everything of ours) by bulkByProperties.</summary>
    public async Task<int> ForgetScopeAsync(string clientKey, string? scope, CancellationToken cancellationToken)
    {
        const string sql = "DELETE FROM tenant_components WHERE client_key = @clientKey AND (@scope::text IS NULL OR scope = @scope)";
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(sql, new { clientKey, scope }, cancellationToken: cancellationToken));
    }

    private DateTime Now() => time.GetUtcNow().UtcDateTime;
}
