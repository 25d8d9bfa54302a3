using System.Runtime.CompilerServices;
using Dapper;
using DevOpsProvider.Web.Catalog;
using Npgsql;

namespace DevOpsProvider.Web.Sync;

/// <summary>
/// What one site lacks, read straight from PostgreSQL: components of its scopes that are newer than what it accepted
/// (or rejected), streamed unbuffered in scope and version order, and what it holds that it should no longer hold.
/// </summary>
public sealed class SyncPlanner(NpgsqlDataSource dataSource)
{
    // A component is due when the site has neither accepted nor rejected this version (or a newer one).
    // A rejected version is not resent until the component changes: a new version is a new chance.
    private const string DueFilter = """
        c.deleted_at IS NULL AND c.version > @since
        AND c.scope IN (SELECT ts.scope FROM tenant_scopes ts WHERE ts.client_key = @clientKey)
        AND (@full OR NOT EXISTS (
            SELECT 1 FROM tenant_components tc
            WHERE tc.client_key = @clientKey AND tc.component_id = c.id
              AND (tc.accepted_version >= c.version OR tc.failed_version >= c.version)))
        """;

    // The site holds it (or a rejection of it) but no live component of its scopes has that id: deleted, purged,
    // or its scope is no longer assigned.
    private const string GoneFilter = """
        tc.client_key = @clientKey
        AND NOT EXISTS (
            SELECT 1 FROM components c
            WHERE c.id = tc.component_id AND c.deleted_at IS NULL
              AND c.scope IN (SELECT ts.scope FROM tenant_scopes ts WHERE ts.client_key = @clientKey))
        """;

    // Since the watermark: changed components that the site holds but should not (deleted, or moved out of its scopes).
    private const string GoneSinceFilter = """
        tc.client_key = @clientKey
        AND EXISTS (
            SELECT 1 FROM components c
            WHERE c.id = tc.component_id AND c.version > @since
              AND (c.deleted_at IS NOT NULL
                   OR c.scope NOT IN (SELECT ts.scope FROM tenant_scopes ts WHERE ts.client_key = @clientKey)))
        """;

    /// <summary>
    /// Streams the due components, one scope after another, each in version order. Only versions above
    /// <paramref name="since"/> (the site's watermark) are looked at: an unchanged catalog is an empty index range.
    /// </summary>
    public async IAsyncEnumerable<CatalogComponent> DueAsync(string clientKey, bool full, long since, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        const string sql = $"""
            SELECT c.id, c.scope, c.name, c.provider_name, c.description, c.url, c.avatar_url, c.tier, c.component_type,
                   c.last_updated, c.version
            FROM components c
            WHERE {DueFilter}
            ORDER BY c.scope, c.version
            """;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await foreach (var component in connection.QueryUnbufferedAsync<CatalogComponent>(sql, new { clientKey, full, since }).WithCancellation(cancellationToken))
        {
            yield return component;
        }
    }

    public async Task<(int Due, int Gone)> CountAsync(string clientKey, bool full, long since, CancellationToken cancellationToken)
    {
        const string fromScratch = $"""
            SELECT (SELECT count(*) FROM components c WHERE {DueFilter})::int AS due,
                   (SELECT count(*) FROM tenant_components tc WHERE {GoneFilter} AND tc.accepted_version IS NOT NULL)::int AS gone
            """;
        const string sinceWatermark = $"""
            SELECT (SELECT count(*) FROM components c WHERE {DueFilter})::int AS due,
                   (SELECT count(*) FROM tenant_components tc WHERE {GoneSinceFilter} AND tc.accepted_version IS NOT NULL)::int AS gone
            """;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleAsync<(int, int)>(new CommandDefinition(since == 0 ? fromScratch : sinceWatermark,
            new { clientKey, full, since }, cancellationToken: cancellationToken));
    }

    /// <summary>Scopes the site holds components of but is no longer assigned: each goes in one bulkByProperties.</summary>
    public async Task<IReadOnlyList<string>> UnassignedScopesAsync(string clientKey, CancellationToken cancellationToken)
    {
        const string sql = """
            SELECT DISTINCT tc.scope FROM tenant_components tc
            WHERE tc.client_key = @clientKey
              AND tc.scope NOT IN (SELECT ts.scope FROM tenant_scopes ts WHERE ts.client_key = @clientKey)
            ORDER BY tc.scope
            """;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return [.. await connection.QueryAsync<string>(new CommandDefinition(sql, new { clientKey }, cancellationToken: cancellationToken))];
    }

    /// <summary>Components the site should no longer hold; InJira is false for ones Jira only ever rejected.</summary>
    public async Task<IReadOnlyList<GoneComponent>> GoneAsync(string clientKey, long since, CancellationToken cancellationToken)
    {
        // Deletions are few between runs (a tombstone is purged once every site confirmed it); buffered is fine.
        const string fromScratch = $"""
            SELECT tc.component_id AS id, tc.accepted_version IS NOT NULL AS in_jira
            FROM tenant_components tc
            WHERE {GoneFilter}
            ORDER BY tc.component_id
            """;
        const string sinceWatermark = $"""
            SELECT tc.component_id AS id, tc.accepted_version IS NOT NULL AS in_jira
            FROM tenant_components tc
            WHERE {GoneSinceFilter}
            ORDER BY tc.component_id
            """;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return [.. await connection.QueryAsync<GoneComponent>(new CommandDefinition(since == 0 ? fromScratch : sinceWatermark,
            new { clientKey, since }, cancellationToken: cancellationToken))];
    }
}

public sealed class GoneComponent
{
    public required string Id { get; init; }

    public bool InJira { get; init; }
}
