using Dapper;
using Npgsql;

namespace DevOpsProvider.Web.Connect;

/// <summary>Tenants in PostgreSQL. Rows are never deleted; state and the event history say what happened.</summary>
public sealed class TenantStore(NpgsqlDataSource dataSource, SecretProtector secrets, TimeProvider time)
{
    private const string Columns = """
        client_key, shared_secret, base_url, display_url, product_type, description, service_entitlement_number,
        oauth_client_id, installation_id, cloud_id, state, installed_at, updated_at, secret_rotated_at
        """;

    public async Task<Tenant?> FindAsync(string clientKey, CancellationToken cancellationToken = default)
    {
        const string sql = $"SELECT {Columns} FROM tenants WHERE client_key = @clientKey";
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<Tenant>(new CommandDefinition(sql, new { clientKey }, cancellationToken: cancellationToken));
        return row is null ? null : Decrypt(row);
    }

    public async Task<IReadOnlyList<Tenant>> ListAsync(CancellationToken cancellationToken = default)
    {
        const string sql = $"SELECT {Columns} FROM tenants ORDER BY installed_at, client_key";
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return [.. (await connection.QueryAsync<Tenant>(new CommandDefinition(sql, cancellationToken: cancellationToken))).Select(Decrypt)];
    }

    /// <summary>Re-encrypts every secret not under the current key (key rotation); returns how many rows changed.</summary>
    public async Task<int> ReencryptSecretsAsync(CancellationToken cancellationToken = default)
    {
        const string select = "SELECT client_key, shared_secret FROM tenants WHERE shared_secret <> ''";
        const string update = "UPDATE tenants SET shared_secret = @protectedSecret WHERE client_key = @clientKey AND shared_secret = @old";
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<(string ClientKey, string SharedSecret)>(new CommandDefinition(select, cancellationToken: cancellationToken));
        var changed = 0;
        foreach (var (clientKey, stored) in rows.Where(r => secrets.IsStale(r.SharedSecret)))
        {
            var protectedSecret = secrets.Protect(secrets.Unprotect(stored));
            changed += await connection.ExecuteAsync(new CommandDefinition(update, new { protectedSecret, clientKey, old = stored }, cancellationToken: cancellationToken));
        }

        return changed;
    }

    // An empty stored secret is a wiped one (data retention); it never verifies anything.
    private Tenant Decrypt(Tenant row) => row with { SharedSecret = row.SharedSecret.Length == 0 ? "" : secrets.Unprotect(row.SharedSecret) };

    /// <summary>
    /// Stores a verified install: a new tenant, or a reinstall that replaces the secret. Other active tenants on the
    /// same baseUrl become 'replaced' (a site import or restore gives the site a new clientKey).
    /// </summary>
    public async Task<InstallOutcome> InstallAsync(LifecyclePayload payload, CancellationToken cancellationToken = default)
    {
        const string upsert = $"""
            INSERT INTO tenants ({Columns})
            VALUES (@ClientKey, @SharedSecret, @BaseUrl, @DisplayUrl, @ProductType, @Description, @ServiceEntitlementNumber,
                    @OauthClientId, @InstallationId, @CloudId, 'active', @now, @now, @now)
            ON CONFLICT (client_key) DO UPDATE SET
                secret_rotated_at = CASE WHEN @secretChanged THEN excluded.secret_rotated_at ELSE tenants.secret_rotated_at END,
                shared_secret = excluded.shared_secret,
                base_url = excluded.base_url,
                display_url = excluded.display_url,
                product_type = excluded.product_type,
                description = excluded.description,
                service_entitlement_number = excluded.service_entitlement_number,
                oauth_client_id = excluded.oauth_client_id,
                installation_id = COALESCE(excluded.installation_id, tenants.installation_id),
                cloud_id = COALESCE(excluded.cloud_id, tenants.cloud_id),
                state = 'active',
                updated_at = excluded.updated_at
            RETURNING (xmax = 0) AS inserted
            """;
        const string replaceOthers = """
            UPDATE tenants SET state = 'replaced', updated_at = @now
            WHERE base_url = @BaseUrl AND client_key <> @ClientKey AND state IN ('active', 'disabled')
            RETURNING client_key
            """;
        const string recordEvent = """
            INSERT INTO tenant_events (client_key, event_type, state_after, detail, occurred_at)
            SELECT key, @eventType, @state, @detail, @now FROM unnest(@keys) AS key
            """;

        var now = time.GetUtcNow().UtcDateTime;
        var previous = await FindAsync(payload.ClientKey!, cancellationToken);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var args = new DynamicParameters(payload);
        args.Add("now", now);
        args.Add("SharedSecret", secrets.Protect(payload.SharedSecret!));
        args.Add("secretChanged", previous is null || previous.SharedSecret != payload.SharedSecret);
        var inserted = await connection.ExecuteScalarAsync<bool>(new CommandDefinition(upsert, args, transaction, cancellationToken: cancellationToken));
        var replaced = (await connection.QueryAsync<string>(new CommandDefinition(replaceOthers, args, transaction, cancellationToken: cancellationToken))).ToArray();
        await connection.ExecuteAsync(new CommandDefinition(recordEvent,
            new { eventType = "installed", state = TenantStates.Active, detail = inserted ? "new tenant" : "reinstall", now, keys = new[] { payload.ClientKey! } },
            transaction, cancellationToken: cancellationToken));
        if (replaced.Length > 0)
        {
            await connection.ExecuteAsync(new CommandDefinition(recordEvent,
                new { eventType = "replaced", state = TenantStates.Replaced, detail = $"replaced by {payload.ClientKey}", now, keys = replaced },
                transaction, cancellationToken: cancellationToken));
        }

        await transaction.CommitAsync(cancellationToken);
        return new InstallOutcome(inserted, replaced);
    }

    /// <summary>
    /// Applies a lifecycle event to the tenant's state. Out-of-order and repeated callbacks are harmless: enabled and
    /// disabled only move between active and disabled; uninstalled is final until the next installed; replaced stays.
    /// </summary>
    public async Task<string?> ApplyEventAsync(string clientKey, string eventType, CancellationToken cancellationToken = default)
    {
        var (target, from) = eventType switch
        {
            "enabled" => (TenantStates.Active, new[] { TenantStates.Active, TenantStates.Disabled }),
            "disabled" => (TenantStates.Disabled, new[] { TenantStates.Active, TenantStates.Disabled }),
            "uninstalled" => (TenantStates.Uninstalled, new[] { TenantStates.Active, TenantStates.Disabled, TenantStates.Uninstalled }),
            _ => throw new ArgumentOutOfRangeException(nameof(eventType), eventType, "not a lifecycle event"),
        };
        const string sql = """
            WITH changed AS (
                UPDATE tenants SET state = @target, updated_at = @now
                WHERE client_key = @clientKey AND state = ANY(@from)
                RETURNING state
            ), current AS (
                SELECT COALESCE((SELECT state FROM changed), (SELECT state FROM tenants WHERE client_key = @clientKey)) AS state
            )
            INSERT INTO tenant_events (client_key, event_type, state_after, detail, occurred_at)
            SELECT @clientKey, @eventType, state, CASE WHEN EXISTS (SELECT 1 FROM changed) THEN NULL ELSE 'ignored: state unchanged' END, @now
            FROM current WHERE state IS NOT NULL
            RETURNING state_after
            """;
        var now = time.GetUtcNow().UtcDateTime;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<string>(new CommandDefinition(sql, new { target, from, clientKey, eventType, now }, cancellationToken: cancellationToken));
    }

    public async Task<IReadOnlyList<TenantEvent>> EventsAsync(string clientKey, CancellationToken cancellationToken = default)
    {
        const string sql = "SELECT event_type, state_after, detail, occurred_at FROM tenant_events WHERE client_key = @clientKey ORDER BY id";
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return [.. await connection.QueryAsync<TenantEvent>(new CommandDefinition(sql, new { clientKey }, cancellationToken: cancellationToken))];
    }
}

public sealed record InstallOutcome(bool IsNew, IReadOnlyList<string> ReplacedClientKeys);

public sealed class TenantEvent
{
    public required string EventType { get; init; }

    public required string StateAfter { get; init; }

    public string? Detail { get; init; }

    public DateTime OccurredAt { get; init; }
}
