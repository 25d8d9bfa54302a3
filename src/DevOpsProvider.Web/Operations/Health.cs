using Hangfire;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;

namespace DevOpsProvider.Web.Operations;

/// <summary>
/// /health/live: the process answers. /health/ready: the database and Hangfire's job storage answer (every check
/// tagged "ready"), so a load balancer sends traffic only to instances that can serve it.
/// </summary>
public static class Health
{
    public const string ReadyTag = "ready";

    public static IHealthChecksBuilder AddOperationsHealth(this IServiceCollection services)
        => services.AddHealthChecks()
            .AddCheck<DatabaseHealthCheck>("database", tags: [ReadyTag])
            .AddCheck<JobStorageHealthCheck>("hangfire", tags: [ReadyTag]);

    public static void MapHealth(this IEndpointRouteBuilder app)
    {
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false }).AllowAnonymous();
        app.MapHealthChecks("/health/ready", new HealthCheckOptions
        {
            Predicate = check => check.Tags.Contains(ReadyTag),
            ResponseWriter = WriteAsync,
        }).AllowAnonymous();
    }

    private static Task WriteAsync(HttpContext context, HealthReport report)
        => context.Response.WriteAsJsonAsync(new
        {
            status = report.Status.ToString(),
            checks = report.Entries.ToDictionary(e => e.Key, e => new { status = e.Value.Status.ToString(), description = e.Value.Description }),
        });

    private sealed class DatabaseHealthCheck(NpgsqlDataSource dataSource) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            try
            {
                await using var command = dataSource.CreateCommand("SELECT 1");
                await command.ExecuteScalarAsync(cancellationToken);
                return HealthCheckResult.Healthy("PostgreSQL answers");
            }
            catch (Exception ex) when (ex is NpgsqlException or TimeoutException or InvalidOperationException)
            {
                // The message names the failure, never the connection string.
                return HealthCheckResult.Unhealthy("PostgreSQL does not answer: " + ex.GetType().Name);
            }
        }
    }

    /// <summary>Hangfire's storage answers (this app's registered JobStorage, never the process-wide JobStorage.Current).</summary>
    private sealed class JobStorageHealthCheck(JobStorage storage) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            try
            {
                // Hangfire's storage API is synchronous: off the request thread.
                var servers = await Task.Run(() => storage.GetMonitoringApi().Servers().Count, cancellationToken);
                return HealthCheckResult.Healthy($"Hangfire storage answers ({servers} servers)");
            }
            catch (Exception ex) when (ex is NpgsqlException or TimeoutException or InvalidOperationException)
            {
                return HealthCheckResult.Unhealthy("Hangfire storage does not answer: " + ex.GetType().Name);
            }
        }
    }
}
