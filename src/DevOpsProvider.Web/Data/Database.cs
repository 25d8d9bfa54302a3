using System.Reflection;
using DbUp;
using DbUp.Engine.Output;
using Npgsql;

namespace DevOpsProvider.Web.Data;

/// <summary>Applies the numbered SQL scripts of Data/Migrations, once, under a PostgreSQL advisory lock.</summary>
public static class Database
{
    // An arbitrary constant shared by every instance of this app: pg_advisory_lock serialises concurrent start-ups.
    private const long MigrationLockKey = 0x0D3_7005_C0DE;

    public static async Task MigrateAsync(NpgsqlDataSource dataSource, string connectionString, ILogger logger, CancellationToken cancellationToken)
    {
        await using var lockConnection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using (var take = new NpgsqlCommand("SELECT pg_advisory_lock(@key)", lockConnection))
        {
            take.Parameters.AddWithValue("key", MigrationLockKey);
            await take.ExecuteNonQueryAsync(cancellationToken);
        }

        try
        {
            var upgrader = DeployChanges.To
                .PostgresqlDatabase(connectionString)
                .WithScriptsEmbeddedInAssembly(Assembly.GetExecutingAssembly(), name => name.Contains(".Data.Migrations.", StringComparison.Ordinal))
                .WithTransactionPerScript()
                .JournalToPostgresqlTable("public", "schema_versions")
                .LogTo(new MigrationLog(logger))
                .Build();
            var result = upgrader.PerformUpgrade();
            if (!result.Successful)
            {
                throw new InvalidOperationException($"Database migration failed in script {result.ErrorScript?.Name}: {result.Error.Message}", result.Error);
            }

            logger.LogInformation("Database schema is up to date ({Applied} new scripts applied)", result.Scripts.Count());
        }
        finally
        {
            await using var release = new NpgsqlCommand("SELECT pg_advisory_unlock(@key)", lockConnection);
            release.Parameters.AddWithValue("key", MigrationLockKey);
            await release.ExecuteNonQueryAsync(CancellationToken.None);
        }
    }

    private sealed class MigrationLog(ILogger logger) : IUpgradeLog
    {
        public void LogTrace(string format, params object[] args) => logger.LogTrace("{Migration}", Format(format, args));

        public void LogDebug(string format, params object[] args) => logger.LogDebug("{Migration}", Format(format, args));

        // DbUp narrates every step; its steps are detail, the summary below is the news.
        public void LogInformation(string format, params object[] args) => logger.LogDebug("{Migration}", Format(format, args));

        public void LogWarning(string format, params object[] args) => logger.LogWarning("{Migration}", Format(format, args));

        public void LogError(string format, params object[] args) => logger.LogError("{Migration}", Format(format, args));

        public void LogError(Exception ex, string format, params object[] args) => logger.LogError(ex, "{Migration}", Format(format, args));

        private static string Format(string format, object[] args)
            => args.Length == 0 ? format : string.Format(System.Globalization.CultureInfo.InvariantCulture, format, args);
    }
}
