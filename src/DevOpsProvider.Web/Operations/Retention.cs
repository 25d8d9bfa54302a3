using Dapper;
using Hangfire;
using Npgsql;

namespace DevOpsProvider.Web.Operations;

public sealed class RetentionOptions
{
    public const string Section = "Retention";

    /// <summary>Shared secrets of uninstalled and replaced sites are wiped this long after the site left.</summary>
    public TimeSpan WipeSecretsAfter { get; set; } = TimeSpan.FromDays(30);

    /// <summary>Lifecycle events and association history older than this are deleted.</summary>
    public TimeSpan KeepHistory { get; set; } = TimeSpan.FromDays(180);
}

/// <summary>
/// Data retention, daily through Hangfire (one instance runs it): wipes the secrets of sites that left (a secret
/// nobody will ever send again is only a liability) and prunes old history. Run history per site is bounded by sync.
/// </summary>
public sealed class Retention(NpgsqlDataSource dataSource, RetentionOptions options, TimeProvider time, ILogger<Retention> logger)
{
    public const string RecurringJobId = "retention";

    public async Task<RetentionResult> RunAsync(CancellationToken cancellationToken)
    {
        const string wipe = """
            UPDATE tenants SET shared_secret = '', updated_at = updated_at
            WHERE state IN ('uninstalled', 'replaced') AND shared_secret <> '' AND updated_at < @secretsBefore
            """;
        const string events = "DELETE FROM tenant_events WHERE occurred_at < @historyBefore";
        const string associations = "DELETE FROM association_log WHERE occurred_at < @historyBefore";
        var now = time.GetUtcNow().UtcDateTime;
        var args = new { secretsBefore = now - options.WipeSecretsAfter, historyBefore = now - options.KeepHistory };
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var result = new RetentionResult(
            await connection.ExecuteAsync(new CommandDefinition(wipe, args, cancellationToken: cancellationToken)),
            await connection.ExecuteAsync(new CommandDefinition(events, args, cancellationToken: cancellationToken))
            + await connection.ExecuteAsync(new CommandDefinition(associations, args, cancellationToken: cancellationToken)));
        if (result.SecretsWiped + result.HistoryRowsDeleted > 0)
        {
            logger.LogInformation("Retention: wiped {Secrets} secrets of departed sites, deleted {Rows} history rows", result.SecretsWiped, result.HistoryRowsDeleted);
        }

        return result;
    }

    /// <summary>Registers the daily run (idempotent across instances).</summary>
    public sealed class Registration(IRecurringJobManager recurring) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            recurring.AddOrUpdate<Retention>(RecurringJobId, r => r.RunAsync(CancellationToken.None), "17 3 * * *",
                new RecurringJobOptions { TimeZone = TimeZoneInfo.Utc });
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}

public sealed record RetentionResult(int SecretsWiped, int HistoryRowsDeleted);
