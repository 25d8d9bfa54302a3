using Dapper;
using Hangfire;
using Microsoft.Extensions.Options;
using Npgsql;

namespace DevOpsProvider.Web.Sync;

/// <summary>
/// The follow-up of a failed run. A run fails when Jira stays unreachable (or keeps failing) past the request
/// retries; the site then gets one retry, scheduled in Hangfire, Sync:FailureRetryBaseDelay after the first failure
/// and twice as long after each further one, up to Sync:FailureRetryMaxDelay. So an outage longer than the retry
/// budget heals on its own within minutes, not at the next safety-net run, and a long one costs one run per capped
/// delay, not a retry storm. 401/403 get no retry: the site needs attention instead.
/// </summary>
public sealed partial class FailureRetries(
    NpgsqlDataSource dataSource, IBackgroundJobClient jobs, IOptions<SyncOptions> options, TimeProvider time, ILogger<FailureRetries> logger)
{
    public const string Trigger = "retry";

    /// <summary>The wait before the retry that follows failure number <paramref name="streak"/> in a row.</summary>
    public static TimeSpan Delay(int streak, TimeSpan baseDelay, TimeSpan maxDelay)
    {
        // 2^20 times any sensible base is past every sensible cap; the exponent stops there so it cannot overflow.
        var factor = Math.Pow(2, Math.Clamp(streak - 1, 0, 20));
        var delay = baseDelay * factor;
        return delay > maxDelay ? maxDelay : delay;
    }

    /// <summary>Records how the run ended: a failure schedules the retry (unless one is pending), a success resets the streak.</summary>
    public async Task AfterRunAsync(string clientKey, SyncOutcome outcome, CancellationToken cancellationToken)
    {
        try
        {
            if (outcome.Status == SyncOutcome.Failed)
            {
                await ScheduleAsync(clientKey, cancellationToken);
            }
            else if (outcome.Status == SyncOutcome.Succeeded)
            {
                await ResetAsync(clientKey, cancellationToken);
            }
        }
        catch (NpgsqlException ex)
        {
            // The database itself is away: nothing can be scheduled now; the safety net and any trigger still will.
            LogNotScheduled(logger, ex, clientKey);
        }
    }

    private async Task ScheduleAsync(string clientKey, CancellationToken cancellationToken)
    {
        const string read = "SELECT failure_streak, retry_due_at FROM tenant_sync WHERE client_key = @clientKey FOR UPDATE";
        const string write = "UPDATE tenant_sync SET failure_streak = @streak, retry_due_at = @due WHERE client_key = @clientKey";
        var now = time.GetUtcNow().UtcDateTime;
        var settings = options.Value;
        TimeSpan? delay = null;
        await using (var connection = await dataSource.OpenConnectionAsync(cancellationToken))
        await using (var transaction = await connection.BeginTransactionAsync(cancellationToken))
        {
            var row = await connection.QuerySingleOrDefaultAsync<(int Streak, DateTime? DueAt)>(
                new CommandDefinition(read, new { clientKey }, transaction, cancellationToken: cancellationToken));
            var streak = row.Streak + 1;
            var due = row.DueAt;
            // A retry still pending covers this failure too: one scheduled retry per site, however many runs fail.
            if (due is null || due <= now)
            {
                delay = Delay(streak, settings.FailureRetryBaseDelay, settings.FailureRetryMaxDelay);
                due = now + delay.Value;
            }

            await connection.ExecuteAsync(new CommandDefinition(write, new { clientKey, streak, due }, transaction, cancellationToken: cancellationToken));
            await transaction.CommitAsync(cancellationToken);
        }

        if (delay is { } wait)
        {
            jobs.Schedule<SyncJob>(job => job.RunSiteAsync(clientKey, Trigger, CancellationToken.None), wait);
            LogScheduled(logger, clientKey, wait);
        }
    }

    /// <summary>
    /// Called as the scheduled retry starts: it is no longer pending. If it then finds the site locked by another run
    /// (and is skipped) and that run fails, the failure must schedule a retry of its own; while the retry still
    /// counted as pending, the failure rode on a retry that had already come and gone, and the site waited for the
    /// safety net.
    /// </summary>
    public async Task StartingAsync(string clientKey, CancellationToken cancellationToken)
    {
        const string sql = "UPDATE tenant_sync SET retry_due_at = NULL WHERE client_key = @clientKey AND retry_due_at IS NOT NULL";
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(sql, new { clientKey }, cancellationToken: cancellationToken));
    }

    private async Task ResetAsync(string clientKey, CancellationToken cancellationToken)
    {
        // retry_due_at stays: a retry still pending runs (and finds nothing to do) instead of a second one being queued.
        const string sql = "UPDATE tenant_sync SET failure_streak = 0 WHERE client_key = @clientKey AND failure_streak <> 0";
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(sql, new { clientKey }, cancellationToken: cancellationToken));
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Sync of site {ClientKey} failed; retrying in {Delay}")]
    private static partial void LogScheduled(ILogger logger, string clientKey, TimeSpan delay);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The retry of site {ClientKey} could not be scheduled: the database is unreachable")]
    private static partial void LogNotScheduled(ILogger logger, Exception exception, string clientKey);
}
