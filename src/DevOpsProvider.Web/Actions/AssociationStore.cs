using Dapper;
using Npgsql;

namespace DevOpsProvider.Web.Actions;

/// <summary>Component associations per tenant. Every query is keyed by the tenant the caller authenticated as.</summary>
public sealed class AssociationStore(NpgsqlDataSource dataSource, TimeProvider time)
{
    /// <summary>Records the link (a repeat refreshes who and when) and logs the change, in one round trip.</summary>
    public async Task AssociateAsync(string clientKey, string componentId, AssociationTarget target, string? actor, string action, CancellationToken cancellationToken)
    {
        const string sql = """
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
        await ExecuteAsync(sql, clientKey, componentId, target, actor, action, cancellationToken);
    }

    /// <summary>Removes the link (already gone is fine) and logs the change.</summary>
    public async Task DisassociateAsync(string clientKey, string componentId, AssociationTarget target, string? actor, string action, CancellationToken cancellationToken)
    {
        const string sql = """
            WITH removed AS (
                DELETE FROM associations
                WHERE client_key = @clientKey AND component_id = @componentId AND target_type = @Type AND target_id = @Id
                RETURNING 1
            )
            INSERT INTO association_log (client_key, component_id, target_type, target_id, change, action, actor, occurred_at)
            VALUES (@clientKey, @componentId, @Type, @Id, 'disassociated', @action, @actor, @now)
            """;
        await ExecuteAsync(sql, clientKey, componentId, target, actor, action, cancellationToken);
    }

    public async Task<IReadOnlyList<Association>> ListAsync(string clientKey, string? componentId, CancellationToken cancellationToken)
    {
        const string sql = """
            SELECT a.component_id, a.target_type, a.target_id, a.cloud_id, a.ari, a.associated_by, a.associated_at,
                   EXISTS (SELECT 1 FROM components c WHERE c.id = a.component_id AND c.deleted_at IS NULL) AS component_known
            FROM associations a
            WHERE a.client_key = @clientKey AND (@componentId::text IS NULL OR a.component_id = @componentId)
            ORDER BY a.associated_at DESC, a.component_id, a.target_type, a.target_id
            LIMIT 10000
            """;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return [.. await connection.QueryAsync<Association>(new CommandDefinition(sql, new { clientKey, componentId }, cancellationToken: cancellationToken))];
    }

    private async Task ExecuteAsync(string sql, string clientKey, string componentId, AssociationTarget target, string? actor, string action, CancellationToken cancellationToken)
    {
        var args = new DynamicParameters(target);
        args.AddDynamicParams(new { clientKey, componentId, actor, action, now = time.GetUtcNow().UtcDateTime });
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(sql, args, cancellationToken: cancellationToken));
    }
}

public sealed class Association
{
    public required string ComponentId { get; init; }

    public required string TargetType { get; init; }

    public required string TargetId { get; init; }

    public string? CloudId { get; init; }

    public string? Ari { get; init; }

    public string? AssociatedBy { get; init; }

    public DateTime AssociatedAt { get; init; }

    public bool ComponentKnown { get; init; }
}
