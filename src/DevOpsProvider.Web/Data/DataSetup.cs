using Dapper;
using Npgsql;

namespace DevOpsProvider.Web.Data;

public sealed class DataOptions
{
    /// <summary>Where the embedded Development cluster lives (Data:LocalDirectory).</summary>
    public string LocalDirectory { get; set; } = Path.Combine(".data", "postgres");

    /// <summary>The database the app uses on the embedded cluster.</summary>
    public string LocalDatabase { get; set; } = "devops_provider";
}

/// <summary>The connection string in use, resolved once at start-up (configured, or the embedded cluster's).</summary>
public sealed record DatabaseConnection(string ConnectionString);

public static class DataSetup
{
    public static WebApplicationBuilder AddData(this WebApplicationBuilder builder)
    {
        DefaultTypeMap.MatchNamesWithUnderscores = true;
        var connectionString = builder.Configuration.GetConnectionString("Postgres");
        var startupNotes = new List<string>();
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            // RequiredSettings has already refused to start outside Development; here the embedded default applies.
            var options = builder.Configuration.GetSection("Data").Get<DataOptions>() ?? new DataOptions();
            var local = LocalPostgres.Start(Path.Combine(builder.Environment.ContentRootPath, options.LocalDirectory), startupNotes.Add);
            local.EnsureDatabaseAsync(options.LocalDatabase).GetAwaiter().GetResult();
            connectionString = local.ConnectionStringFor(options.LocalDatabase);
            builder.Services.AddSingleton(local);
            startupNotes.Add("ConnectionStrings:Postgres is not set: using the embedded local PostgreSQL (Development only).");
        }

        // Registered before every other hosted service so that it stops last, after the jobs that use the database.
        builder.Services.AddHostedService(sp => new DatabaseLifetime(sp, startupNotes));
        builder.Services.AddSingleton(new DatabaseConnection(connectionString));
        builder.Services.AddSingleton(_ =>
        {
            var dataSource = new NpgsqlDataSourceBuilder(connectionString);
            // Hot statements (token lookups, association writes) are prepared once per connection instead of parsed
            // and planned on every call; an explicit setting in the connection string wins.
            if (!connectionString.Contains("Auto Prepare", StringComparison.OrdinalIgnoreCase))
            {
                dataSource.ConnectionStringBuilder.MaxAutoPrepare = 64;
                dataSource.ConnectionStringBuilder.AutoPrepareMinUsages = 3;
            }

            return dataSource.Build();
        });
        return builder;
    }

    /// <summary>Migrates the schema at start; stops the embedded cluster (if any) at the very end.</summary>
    private sealed class DatabaseLifetime(IServiceProvider services, IReadOnlyList<string> notes) : IHostedService
    {
        public async Task StartAsync(CancellationToken cancellationToken)
        {
            var logger = services.GetRequiredService<ILogger<DatabaseConnection>>();
            foreach (var note in notes)
            {
                logger.LogInformation("{Note}", note);
            }

            await Database.MigrateAsync(
                services.GetRequiredService<NpgsqlDataSource>(),
                services.GetRequiredService<DatabaseConnection>().ConnectionString,
                logger,
                cancellationToken);
        }

        public Task StopAsync(CancellationToken cancellationToken)
        {
            services.GetService<LocalPostgres>()?.Stop();
            return Task.CompletedTask;
        }
    }
}
