using Dapper;
using Npgsql;
using NpgsqlTypes;

namespace DevOpsProvider.Web.Catalog;

/// <summary>The set-based steps of a catalog write: stage, classify, and the deletions of replace mode.</summary>
public sealed partial class ComponentStore
{
    /// <summary>Binary COPY into a temporary table that lives until the transaction ends: one stream, not one statement per row.</summary>
    private static async Task StageAsync(NpgsqlConnection connection, IReadOnlyList<CatalogComponent> components, CancellationToken cancellationToken)
    {
        const string create = """
            CREATE TEMP TABLE catalog_stage (
                ord int NOT NULL, id text NOT NULL, scope text NOT NULL, name text NOT NULL, provider_name text,
                description text NOT NULL, url text NOT NULL, avatar_url text NOT NULL, tier text NOT NULL,
                component_type text NOT NULL, last_updated timestamptz, kind text NOT NULL DEFAULT 'created', old_scope text
            ) ON COMMIT DROP
            """;
        const string copy = """
            COPY catalog_stage (ord, id, scope, name, provider_name, description, url, avatar_url, tier, component_type, last_updated)
            FROM STDIN (FORMAT BINARY)
            """;
        await using (var command = new NpgsqlCommand(create, connection))
        {
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        await using (var writer = await connection.BeginBinaryImportAsync(copy, cancellationToken))
        {
            for (var i = 0; i < components.Count; i++)
            {
                var c = components[i];
                await writer.StartRowAsync(cancellationToken);
                await writer.WriteAsync(i, NpgsqlDbType.Integer, cancellationToken);
                await writer.WriteAsync(c.Id, NpgsqlDbType.Text, cancellationToken);
                await writer.WriteAsync(c.Scope, NpgsqlDbType.Text, cancellationToken);
                await writer.WriteAsync(c.Name, NpgsqlDbType.Text, cancellationToken);
                if (c.ProviderName is null)
                {
                    await writer.WriteNullAsync(cancellationToken);
                }
                else
                {
                    await writer.WriteAsync(c.ProviderName, NpgsqlDbType.Text, cancellationToken);
                }

                await writer.WriteAsync(c.Description, NpgsqlDbType.Text, cancellationToken);
                await writer.WriteAsync(c.Url, NpgsqlDbType.Text, cancellationToken);
                await writer.WriteAsync(c.AvatarUrl, NpgsqlDbType.Text, cancellationToken);
                await writer.WriteAsync(c.Tier, NpgsqlDbType.Text, cancellationToken);
                await writer.WriteAsync(c.ComponentType, NpgsqlDbType.Text, cancellationToken);
                if (c.LastUpdatedIsDefault)
                {
                    await writer.WriteNullAsync(cancellationToken);
                }
                else
                {
                    await writer.WriteAsync(DateTime.SpecifyKind(c.LastUpdated, DateTimeKind.Utc), NpgsqlDbType.TimestampTz, cancellationToken);
                }
            }

            await writer.CompleteAsync(cancellationToken);
        }

        await using var analyze = new NpgsqlCommand("ANALYZE catalog_stage", connection);
        await analyze.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>
    /// Marks each staged row created (new, or re-creating a tombstone), updated or unchanged. Unchanged means every
    /// field equal, scope included; a row without lastUpdated keeps the stored one. Returns how many rows change.
    /// </summary>
    private static async Task<long> ClassifyAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        const string classify = """
            UPDATE catalog_stage s SET old_scope = CASE WHEN c.scope <> s.scope THEN c.scope END, kind = CASE
                WHEN c.deleted_at IS NOT NULL THEN 'created'
                WHEN (c.scope, c.name, c.provider_name, c.description, c.url, c.avatar_url, c.tier, c.component_type)
                     IS NOT DISTINCT FROM (s.scope, s.name, s.provider_name, s.description, s.url, s.avatar_url, s.tier, s.component_type)
                     AND (s.last_updated IS NULL OR s.last_updated = c.last_updated) THEN 'unchanged'
                ELSE 'updated' END
            FROM components c WHERE c.id = s.id
            """;
        const string count = "SELECT count(*) FROM catalog_stage WHERE kind <> 'unchanged'";
        await connection.ExecuteAsync(new CommandDefinition(classify, cancellationToken: cancellationToken));
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition(count, cancellationToken: cancellationToken));
    }

    private const string ReplacedFilter = """
        FROM components c
        WHERE c.scope = ANY(@scopes) AND c.deleted_at IS NULL AND c.id <> ALL(@keepIds)
          AND NOT EXISTS (SELECT 1 FROM catalog_stage s WHERE s.id = c.id)
        """;

    private static async Task<long> CountReplacedAsync(NpgsqlConnection connection, string[] scopes, string[] keepIds, CancellationToken cancellationToken)
    {
        const string sql = $"SELECT count(*) {ReplacedFilter}";
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition(sql, new { scopes, keepIds }, cancellationToken: cancellationToken));
    }

    private static async Task<IReadOnlyList<string>> DeleteReplacedAsync(
        NpgsqlConnection connection, string[] scopes, string[] keepIds, long first, DateTime now, HashSet<string> changedScopes, CancellationToken cancellationToken)
    {
        const string sql = $"""
            UPDATE components t SET deleted_at = @now, updated_at = @now, version = d.version
            FROM (SELECT c.id, @first + row_number() OVER (ORDER BY c.id) - 1 AS version {ReplacedFilter}) d
            WHERE t.id = d.id
            RETURNING t.id, t.scope
            """;
        var rows = await connection.QueryAsync<(string Id, string Scope)>(
            new CommandDefinition(sql, new { scopes, keepIds, first, now }, cancellationToken: cancellationToken));
        var ids = new List<string>();
        foreach (var (id, scope) in rows)
        {
            ids.Add(id);
            changedScopes.Add(scope);
        }

        ids.Sort(StringComparer.Ordinal);
        return ids;
    }
}
