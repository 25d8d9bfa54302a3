using Dapper;
using DevOpsProvider.Web.Connect;
using Microsoft.Extensions.Options;
using Npgsql;

namespace DevOpsProvider.Web.Sync;

/// <summary>
/// Which scopes a site receives, and "remove our data": one bulkByProperties call (source = app key, optionally
/// scope) that also takes the scope(s) away from the site, so the next run does not send them back.
/// </summary>
public sealed class SiteScopes(
    NpgsqlDataSource dataSource, TenantStore tenants, SiteFlagStore flags, SiteState state, JiraClient jira,
    SyncTriggers triggers, IOptions<ConnectOptions> connect)
{
    public const int MaxScopeLength = 255;

    /// <summary>Null when the names are valid, else a message naming the rule.</summary>
    public static string? Validate(IReadOnlyList<string?>? scopes)
    {
        if (scopes is null)
        {
            return "scopes is required: a list of scope names (empty: the site receives nothing)";
        }

        for (var i = 0; i < scopes.Count; i++)
        {
            var scope = scopes[i];
            if (string.IsNullOrWhiteSpace(scope) || scope.Length > MaxScopeLength || scope.Any(char.IsControl) || scope.Trim() != scope)
            {
                return $"scopes[{i}] must be 1 to {MaxScopeLength} characters without control characters or surrounding spaces";
            }
        }

        return null;
    }

    public async Task<IReadOnlyList<string>> GetAsync(string clientKey, CancellationToken cancellationToken)
    {
        const string sql = "SELECT scope FROM tenant_scopes WHERE client_key = @clientKey ORDER BY scope";
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return [.. await connection.QueryAsync<string>(new CommandDefinition(sql, new { clientKey }, cancellationToken: cancellationToken))];
    }

    /// <summary>Replaces the site's scopes; the next run (started here) adds and removes components to match.</summary>
    public async Task<IReadOnlyList<string>> SetAsync(string clientKey, IReadOnlyList<string> scopes, CancellationToken cancellationToken)
    {
        const string delete = "DELETE FROM tenant_scopes WHERE client_key = @clientKey AND NOT (scope = ANY(@scopes))";
        const string insert = "INSERT INTO tenant_scopes (client_key, scope) SELECT @clientKey, unnest(@scopes) ON CONFLICT DO NOTHING";
        await flags.EnsureAsync(clientKey, cancellationToken);
        var distinct = scopes.Distinct(StringComparer.Ordinal).ToArray();
        await using (var connection = await dataSource.OpenConnectionAsync(cancellationToken))
        await using (var transaction = await connection.BeginTransactionAsync(cancellationToken))
        {
            await connection.ExecuteAsync(new CommandDefinition(delete, new { clientKey, scopes = distinct }, transaction, cancellationToken: cancellationToken));
            await connection.ExecuteAsync(new CommandDefinition(insert, new { clientKey, scopes = distinct }, transaction, cancellationToken: cancellationToken));
            await transaction.CommitAsync(cancellationToken);
        }

        await flags.ReplanAsync(clientKey, cancellationToken);
        await triggers.EnqueueAsync(clientKey, SyncTriggers.Scopes, cancellationToken);
        return await GetAsync(clientKey, cancellationToken);
    }

    /// <summary>
    /// Removes our data (or one scope of it) from the site now. Runs under the site's lock so no run sends while the
    /// data goes; null when a run holds the lock (try again when it ends).
    /// </summary>
    public async Task<int?> RemoveDataAsync(string clientKey, string? scope, CancellationToken cancellationToken)
    {
        const string unassign = "DELETE FROM tenant_scopes WHERE client_key = @clientKey AND (@scope::text IS NULL OR scope = @scope)";
        var tenant = await tenants.FindAsync(clientKey, cancellationToken) ?? throw new KeyNotFoundException(clientKey);
        await using var siteLock = await SiteLock.TryAcquireAsync(dataSource, clientKey, cancellationToken);
        if (siteLock is null)
        {
            return null;
        }

        var properties = new Dictionary<string, string> { ["source"] = connect.Value.AppKey };
        if (scope is not null)
        {
            properties["scope"] = scope;
        }

        await jira.DeleteByPropertiesAsync(tenant, properties, null, cancellationToken);
        await using (var connection = await dataSource.OpenConnectionAsync(cancellationToken))
        {
            await connection.ExecuteAsync(new CommandDefinition(unassign, new { clientKey, scope }, cancellationToken: cancellationToken));
        }

        return await state.ForgetScopeAsync(clientKey, scope, cancellationToken);
    }
}
