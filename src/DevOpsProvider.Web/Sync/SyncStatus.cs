using Dapper;
using DevOpsProvider.Web.Connect;
using Npgsql;

namespace DevOpsProvider.Web.Sync;

/// <summary>
/// What the API and the dashboard show and do about sync: sites with their counts, runs, failures, unknown project
/// keys, live progress, scopes, and the actions (sync, full resync, remove our data).
/// </summary>
public sealed class SyncStatus(NpgsqlDataSource dataSource, TenantStore tenants, SyncRuns runs, SyncTriggers triggers)
{
    public async Task<IReadOnlyList<SiteSyncSummary>> SitesAsync(CancellationToken cancellationToken)
    {
        var result = new List<SiteSyncSummary>();
        foreach (var tenant in await tenants.ListAsync(cancellationToken))
        {
            result.Add(await SummarizeAsync(tenant, cancellationToken));
        }

        return result;
    }

    public async Task<SiteSyncSummary?> SiteAsync(string clientKey, CancellationToken cancellationToken)
        => await tenants.FindAsync(clientKey, cancellationToken) is { } tenant ? await SummarizeAsync(tenant, cancellationToken) : null;

    public Task<IReadOnlyList<SyncRunRecord>> RunsAsync(string clientKey, int limit, CancellationToken cancellationToken)
        => runs.ListAsync(clientKey, Math.Clamp(limit, 1, 1000), cancellationToken);

    /// <summary>The run in progress (sent + deleted out of pending), or null.</summary>
    public async Task<SyncRunRecord?> ProgressAsync(string clientKey, CancellationToken cancellationToken)
        => (await runs.ListAsync(clientKey, 1, cancellationToken)).FirstOrDefault(r => r.Outcome == "running");

    /// <summary>Components the site rejected in their current version, with Jira's messages.</summary>
    public async Task<IReadOnlyList<ComponentFailure>> FailuresAsync(string clientKey, int limit, CancellationToken cancellationToken)
    {
        const string sql = """
            SELECT tc.component_id, tc.failed_version AS version, tc.failure_messages AS messages, tc.failed_at
            FROM tenant_components tc
            JOIN components c ON c.id = tc.component_id AND c.deleted_at IS NULL AND c.version <= tc.failed_version
            WHERE tc.client_key = @clientKey
            ORDER BY tc.failed_at DESC, tc.component_id
            LIMIT @limit
            """;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return [.. await connection.QueryAsync<ComponentFailure>(new CommandDefinition(sql, new { clientKey, limit }, cancellationToken: cancellationToken))];
    }

    /// <summary>Where one component stands on every site that receives its scope: in sync, pending or failed.</summary>
    public async Task<IReadOnlyList<ComponentOnSite>> ComponentOnSitesAsync(string componentId, CancellationToken cancellationToken)
    {
        const string sql = """
            SELECT t.client_key, t.base_url, t.state, tc.accepted_version, tc.failed_version, tc.failure_messages,
                   CASE WHEN tc.accepted_version >= c.version THEN 'in-sync'
                        WHEN tc.failed_version >= c.version THEN 'failed'
                        ELSE 'pending' END AS status
            FROM components c
            JOIN tenant_scopes s ON s.scope = c.scope
            JOIN tenants t ON t.client_key = s.client_key
            LEFT JOIN tenant_components tc ON tc.client_key = t.client_key AND tc.component_id = c.id
            WHERE c.id = @componentId AND c.deleted_at IS NULL
            ORDER BY t.base_url
            """;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return [.. await connection.QueryAsync<ComponentOnSite>(new CommandDefinition(sql, new { componentId }, cancellationToken: cancellationToken))];
    }

    public Task<string?> SyncAsync(string clientKey, bool full, CancellationToken cancellationToken)
        => triggers.SyncSiteAsync(clientKey, full, cancellationToken);

    public string SyncAll() => triggers.SyncAll();

    private async Task<SiteSyncSummary> SummarizeAsync(Tenant tenant, CancellationToken cancellationToken)
    {
        const string counts = """
            WITH live AS (
                SELECT c.id, c.version FROM components c
                WHERE c.deleted_at IS NULL AND c.scope IN (SELECT scope FROM tenant_scopes WHERE client_key = @clientKey)
            )
            SELECT
                count(*) FILTER (WHERE tc.accepted_version >= l.version)::int AS in_sync,
                count(*) FILTER (WHERE tc.failed_version >= l.version AND NOT tc.accepted_version >= l.version IS TRUE)::int AS failed,
                (count(*) FILTER (WHERE tc.component_id IS NULL
                    OR (COALESCE(tc.accepted_version, 0) < l.version AND COALESCE(tc.failed_version, 0) < l.version))
                 + (SELECT count(*) FROM tenant_components g
                    WHERE g.client_key = @clientKey AND g.accepted_version IS NOT NULL
                      AND NOT EXISTS (SELECT 1 FROM live WHERE live.id = g.component_id)))::int AS pending
            FROM live l LEFT JOIN tenant_components tc ON tc.client_key = @clientKey AND tc.component_id = l.id
            """;
        const string site = """
            SELECT s.attention_reason, s.unknown_project_keys, s.failure_streak,
                   CASE WHEN s.failure_streak > 0 THEN s.retry_due_at END AS retry_due_at,
                   ARRAY(SELECT scope FROM tenant_scopes WHERE client_key = @clientKey ORDER BY scope) AS scopes
            FROM tenant_sync s WHERE s.client_key = @clientKey
            """;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var args = new { clientKey = tenant.ClientKey };
        var c = await connection.QuerySingleAsync<(int InSync, int Failed, int Pending)>(new CommandDefinition(counts, args, cancellationToken: cancellationToken));
        var s = await connection.QuerySingleOrDefaultAsync<SiteRow>(new CommandDefinition(site, args, cancellationToken: cancellationToken));
        var recent = await runs.ListAsync(tenant.ClientKey, 2, cancellationToken);
        return new SiteSyncSummary(
            tenant.ClientKey, tenant.BaseUrl, tenant.State, s?.Scopes ?? [], s?.AttentionReason, c.InSync, c.Pending, c.Failed,
            s?.UnknownProjectKeys ?? [], recent.FirstOrDefault(r => r.Outcome != "running"), recent.FirstOrDefault(r => r.Outcome == "running"),
            s?.FailureStreak ?? 0, s?.RetryDueAt);
    }

    private sealed class SiteRow
    {
        public string? AttentionReason { get; init; }

        public string[] UnknownProjectKeys { get; init; } = [];

        public string[] Scopes { get; init; } = [];

        public int FailureStreak { get; init; }

        public DateTime? RetryDueAt { get; init; }
    }
}

/// <summary>
/// A site as the dashboard lists it: counts are components of its scopes. ConsecutiveFailures counts failed runs in a
/// row (Jira unreachable or failing); NextRetryAt is when the automatic retry of the last failure is due.
/// </summary>
public sealed record SiteSyncSummary(
    string ClientKey,
    string BaseUrl,
    string State,
    IReadOnlyList<string> Scopes,
    string? AttentionReason,
    int InSync,
    int Pending,
    int Failed,
    IReadOnlyList<string> UnknownProjectKeys,
    SyncRunRecord? LastRun,
    SyncRunRecord? Running,
    int ConsecutiveFailures = 0,
    DateTime? NextRetryAt = null);

/// <summary>One component on one site (Status: in-sync, pending or failed).</summary>
public sealed class ComponentOnSite
{
    public required string ClientKey { get; init; }

    public required string BaseUrl { get; init; }

    public required string State { get; init; }

    public long? AcceptedVersion { get; init; }

    public long? FailedVersion { get; init; }

    public string[]? FailureMessages { get; init; }

    public required string Status { get; init; }
}

public sealed class ComponentFailure
{
    public required string ComponentId { get; init; }

    public long Version { get; init; }

    public string[] Messages { get; init; } = [];

    public DateTime? FailedAt { get; init; }
}
