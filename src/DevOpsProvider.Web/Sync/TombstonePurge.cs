using Dapper;
using Npgsql;

namespace DevOpsProvider.Web.Sync;

/// <summary>
/// Deleted components stay in the catalog as tombstones until every active site has confirmed the delete (its
/// tenant_components row is gone). Sites that are disabled or uninstalled do not hold a tombstone back: if they come
/// back, what they still hold without a live component is deleted then, purged tombstone or not.
/// </summary>
public static class TombstonePurge
{
    public static async Task<int> RunAsync(NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        const string sql = """
            DELETE FROM components c
            WHERE c.deleted_at IS NOT NULL
              AND NOT EXISTS (
                  SELECT 1 FROM tenant_components tc JOIN tenants t ON t.client_key = tc.client_key
                  WHERE tc.component_id = c.id AND t.state = 'active')
            """;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(sql, cancellationToken: cancellationToken));
    }
}
