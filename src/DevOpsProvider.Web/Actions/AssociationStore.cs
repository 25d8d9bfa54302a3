using Dapper;
using Npgsql;

namespace DevOpsProvider.Web.Actions;

/// <summary>Component associations per tenant. Every query is keyed by the tenant the caller authenticated as.</summary>
public sealed class AssociationStore(NpgsqlDataSource dataSource, AssociationWriter writer)
{
    /// <summary>Records the link (a repeat refreshes who and when) and logs the change; returns once committed.</summary>
    public Task AssociateAsync(string clientKey, string componentId, AssociationTarget target, string? actor, string action, CancellationToken cancellationToken)
        => writer.WriteAsync(clientKey, componentId, target, actor, action, associate: true, cancellationToken);

    /// <summary>Removes the link (already gone is fine) and logs the change; returns once committed.</summary>
    public Task DisassociateAsync(string clientKey, string componentId, AssociationTarget target, string? actor, string action, CancellationToken cancellationToken)
        => writer.WriteAsync(clientKey, componentId, target, actor, action, associate: false, cancellationToken);

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
