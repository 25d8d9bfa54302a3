using Dapper;
using Npgsql;

namespace DevOpsProvider.Web.Catalog;

/// <summary>Filters of a catalog listing; null means "any". Page is 1-based.</summary>
public sealed record ComponentQuery(string? Text = null, string? Tier = null, string? ComponentType = null, string? Scope = null, int Page = 1, int PageSize = 50);

public sealed record ComponentPage(IReadOnlyList<CatalogComponent> Components, long Total, int Page, int PageSize);

/// <summary>
/// The catalog in PostgreSQL (Migrations/0002_catalog.sql). Reads here; writes in ComponentStore.Write.cs. Deleted
/// components stay as tombstones, which every read of live components leaves out.
/// </summary>
public sealed partial class ComponentStore(NpgsqlDataSource dataSource, TimeProvider time, IServiceProvider services, ILogger<ComponentStore> logger)
{
    private const string Columns = """
        id, scope, name, provider_name, description, url, avatar_url, tier, component_type, last_updated, version, deleted_at
        """;

    /// <summary>The live component with this id; null when absent or deleted.</summary>
    public async Task<CatalogComponent?> FindAsync(string id, CancellationToken cancellationToken = default)
    {
        const string sql = $"SELECT {Columns} FROM components WHERE id = @id AND deleted_at IS NULL";
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<CatalogComponent>(new CommandDefinition(sql, new { id }, cancellationToken: cancellationToken));
    }

    /// <summary>The component with this id, tombstone included (sync and tests need to see deletions).</summary>
    public async Task<CatalogComponent?> FindIncludingDeletedAsync(string id, CancellationToken cancellationToken = default)
    {
        const string sql = $"SELECT {Columns} FROM components WHERE id = @id";
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<CatalogComponent>(new CommandDefinition(sql, new { id }, cancellationToken: cancellationToken));
    }

    /// <summary>The live component at this URL (Jira's associate actions name a component by its url); the newest if several share it.</summary>
    public async Task<CatalogComponent?> FindByUrlAsync(string url, CancellationToken cancellationToken = default)
    {
        const string sql = $"SELECT {Columns} FROM components WHERE url = @url AND deleted_at IS NULL ORDER BY version DESC LIMIT 1";
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<CatalogComponent>(new CommandDefinition(sql, new { url }, cancellationToken: cancellationToken));
    }

    /// <summary>How many live components the catalog holds.</summary>
    public async Task<long> CountAsync(CancellationToken cancellationToken = default)
    {
        const string sql = "SELECT count(*) FROM components WHERE deleted_at IS NULL";
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition(sql, cancellationToken: cancellationToken));
    }

    /// <summary>One page of live components, ordered by name then id; Text matches id, name or description, ignoring case.</summary>
    public async Task<ComponentPage> ListAsync(ComponentQuery query, CancellationToken cancellationToken = default)
    {
        const string filter = """
            WHERE deleted_at IS NULL
              AND (@scope::text IS NULL OR scope = @scope)
              AND (@tier::text IS NULL OR tier = @tier)
              AND (@componentType::text IS NULL OR component_type = @componentType)
              AND (@pattern::text IS NULL OR id ILIKE @pattern OR name ILIKE @pattern OR description ILIKE @pattern)
            """;
        const string count = $"SELECT count(*) FROM components {filter}";
        const string page = $"SELECT {Columns} FROM components {filter} ORDER BY name, id LIMIT @limit OFFSET @offset";
        var parameters = new
        {
            scope = query.Scope,
            tier = query.Tier,
            componentType = query.ComponentType,
            pattern = string.IsNullOrEmpty(query.Text) ? null : "%" + EscapeLike(query.Text) + "%",
            limit = query.PageSize,
            offset = (long)(query.Page - 1) * query.PageSize,
        };
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var total = await connection.ExecuteScalarAsync<long>(new CommandDefinition(count, parameters, cancellationToken: cancellationToken));
        var rows = await connection.QueryAsync<CatalogComponent>(new CommandDefinition(page, parameters, cancellationToken: cancellationToken));
        return new ComponentPage([.. rows], total, query.Page, query.PageSize);
    }

    // ILIKE treats % and _ as wildcards and \ as their escape; a search for "50%" means the text "50%".
    private static string EscapeLike(string text)
        => text.Replace(@"\", @"\\", StringComparison.Ordinal).Replace("%", @"\%", StringComparison.Ordinal).Replace("_", @"\_", StringComparison.Ordinal);
}
