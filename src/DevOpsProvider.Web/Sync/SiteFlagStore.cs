using Dapper;
using Npgsql;

namespace DevOpsProvider.Web.Sync;

/// <summary>
/// The per-site flags in tenant_sync that coordinate triggers and runs across app instances: the debounce deadline,
/// "go round again", "resend everything", and "needs attention" after Jira refused our credentials.
/// </summary>
public sealed class SiteFlagStore(NpgsqlDataSource dataSource, TimeProvider time)
{
    /// <summary>Creates the site's sync row with the default scope the first time the site is seen.</summary>
    public Task EnsureAsync(string clientKey, CancellationToken cancellationToken)
    {
        const string sql = """
            WITH created AS (
                INSERT INTO tenant_sync (client_key, created_at) VALUES (@clientKey, @now)
                ON CONFLICT (client_key) DO NOTHING
                RETURNING client_key
            )
            INSERT INTO tenant_scopes (client_key, scope) SELECT client_key, 'default' FROM created
            """;
        return ExecuteAsync(sql, new { clientKey, now = Now() }, cancellationToken);
    }

    public async Task<SiteFlags?> GetAsync(string clientKey, CancellationToken cancellationToken)
    {
        const string sql = """
            SELECT attention_reason, full_requested_at, planned_through, plan_epoch,
                   (SELECT last_version FROM catalog_clock) AS catalog_version
            FROM tenant_sync WHERE client_key = @clientKey
            """;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<SiteFlags>(new CommandDefinition(sql, new { clientKey }, cancellationToken: cancellationToken));
    }

    /// <summary>The site must be planned from scratch at its next run (its scopes or its state changed).</summary>
    public Task ReplanAsync(string clientKey, CancellationToken cancellationToken)
        => ExecuteAsync("UPDATE tenant_sync SET planned_through = 0, plan_epoch = plan_epoch + 1 WHERE client_key = @clientKey",
            new { clientKey }, cancellationToken);

    /// <summary>A run handled every version up to <paramref name="version"/>; ignored when the site was replanned meanwhile.</summary>
    public Task AdvancePlannedAsync(string clientKey, long version, long epoch, CancellationToken cancellationToken)
        => ExecuteAsync("UPDATE tenant_sync SET planned_through = @version WHERE client_key = @clientKey AND plan_epoch = @epoch",
            new { clientKey, version, epoch }, cancellationToken);

    public Task MarkAttentionAsync(string clientKey, string reason, CancellationToken cancellationToken)
        => ExecuteAsync("UPDATE tenant_sync SET attention_reason = @reason, attention_at = @now WHERE client_key = @clientKey",
            new { clientKey, reason, now = Now() }, cancellationToken);

    public Task ClearAttentionAsync(string clientKey, CancellationToken cancellationToken)
        => ExecuteAsync("UPDATE tenant_sync SET attention_reason = NULL, attention_at = NULL WHERE client_key = @clientKey",
            new { clientKey }, cancellationToken);

    public Task RequestFullAsync(string clientKey, CancellationToken cancellationToken)
        => ExecuteAsync("UPDATE tenant_sync SET full_requested_at = @now WHERE client_key = @clientKey", new { clientKey, now = Now() }, cancellationToken);

    /// <summary>Clears a full-resync request, unless a newer one came in while the full run was going.</summary>
    public Task ClearFullAsync(string clientKey, DateTime requestedAt, CancellationToken cancellationToken)
        => ExecuteAsync("UPDATE tenant_sync SET full_requested_at = NULL WHERE client_key = @clientKey AND full_requested_at <= @requestedAt",
            new { clientKey, requestedAt }, cancellationToken);

    /// <summary>Set before a run tries the site's lock, so the run holding it goes round again.</summary>
    public Task RequestRerunAsync(string clientKey, CancellationToken cancellationToken)
        => ExecuteAsync("UPDATE tenant_sync SET rerun_requested = true WHERE client_key = @clientKey", new { clientKey }, cancellationToken);

    /// <summary>Clears the rerun request and the debounce deadline: the run starting now covers both.</summary>
    public Task ClearRerunAsync(string clientKey, CancellationToken cancellationToken)
        => ExecuteAsync("UPDATE tenant_sync SET rerun_requested = false, run_due_at = NULL WHERE client_key = @clientKey", new { clientKey }, cancellationToken);

    public async Task<bool> IsRerunRequestedAsync(string clientKey, CancellationToken cancellationToken)
    {
        const string sql = "SELECT rerun_requested FROM tenant_sync WHERE client_key = @clientKey";
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<bool>(new CommandDefinition(sql, new { clientKey }, cancellationToken: cancellationToken));
    }

    /// <summary>
    /// Sets the debounce deadline of each site unless one is already waiting; returns the sites that need a job
    /// scheduled. A deadline long past (its job lost) counts as none, so a lost job cannot silence a site.
    /// </summary>
    public async Task<IReadOnlyList<string>> ClaimDebounceAsync(IReadOnlyCollection<string> clientKeys, TimeSpan delay, CancellationToken cancellationToken)
    {
        const string sql = """
            UPDATE tenant_sync SET run_due_at = @due
            WHERE client_key = ANY(@clientKeys) AND (run_due_at IS NULL OR run_due_at < @stale)
            RETURNING client_key
            """;
        var now = Now();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return [.. await connection.QueryAsync<string>(new CommandDefinition(sql,
            new { clientKeys = clientKeys.ToArray(), due = now + delay, stale = now - delay - TimeSpan.FromMinutes(2) }, cancellationToken: cancellationToken))];
    }

    /// <summary>
    /// Marks a run of the site as waiting in the queue; false when one already waits (it will see whatever this
    /// caller changed, since a run reads the site's state when it starts). A mark older than
    /// <paramref name="timeout"/> counts as a lost job.
    /// </summary>
    public async Task<bool> ClaimQueuedAsync(string clientKey, TimeSpan timeout, CancellationToken cancellationToken)
    {
        const string sql = """
            UPDATE tenant_sync SET run_queued_at = @now
            WHERE client_key = @clientKey AND (run_queued_at IS NULL OR run_queued_at < @stale)
            """;
        var now = Now();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(sql, new { clientKey, now, stale = now - timeout }, cancellationToken: cancellationToken)) > 0;
    }

    /// <summary>A run of the site starts: triggers from now on need a run of their own.</summary>
    public Task ClearQueuedAsync(string clientKey, CancellationToken cancellationToken)
        => ExecuteAsync("UPDATE tenant_sync SET run_queued_at = NULL WHERE client_key = @clientKey AND run_queued_at IS NOT NULL",
            new { clientKey }, cancellationToken);

    private async Task ExecuteAsync(string sql, object args, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(sql, args, cancellationToken: cancellationToken));
    }

    private DateTime Now() => time.GetUtcNow().UtcDateTime;
}

public sealed class SiteFlags
{
    public string? AttentionReason { get; init; }

    public DateTime? FullRequestedAt { get; init; }

    public long PlannedThrough { get; init; }

    public long PlanEpoch { get; init; }

    /// <summary>The catalog's last committed version when the flags were read: catalog writes commit in version order.</summary>
    public long CatalogVersion { get; init; }
}
