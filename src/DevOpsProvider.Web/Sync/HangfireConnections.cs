using Hangfire.PostgreSql;
using Npgsql;

namespace DevOpsProvider.Web.Sync;

/// <summary>
/// Hangfire's connections: a data source of its own, sized to the workers (each fetching worker holds one), so the
/// app's pool stays free for requests and runs. Owned by the container, so stopping the app closes the pool.
/// </summary>
public sealed class HangfireConnections(string connectionString, int workers) : IConnectionFactory, IDisposable
{
    private readonly NpgsqlDataSource _dataSource = new NpgsqlDataSourceBuilder(
        new NpgsqlConnectionStringBuilder(connectionString)
        {
            MaxPoolSize = workers + 6,
            // Idle connections go back to the server soon: several instances (or test apps) share its max_connections.
            ConnectionIdleLifetime = 15,
            ApplicationName = "devops-provider-hangfire",
        }.ConnectionString).Build();

    public NpgsqlConnection GetOrCreateConnection() => _dataSource.CreateConnection();

    public void Dispose() => _dataSource.Dispose();
}
