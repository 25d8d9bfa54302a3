using DevOpsProvider.Web.Api;
using Npgsql;

namespace DevOpsProvider.Web.Data;

/// <summary>
/// A request that meets an unreachable database (stopped, restarting, out of connections) answers 503 with a problem
/// body and Retry-After instead of a bare 500: the client learns its write did not happen and can send it again, and
/// Jira retries a lifecycle call it sees refused.
/// </summary>
public static partial class DatabaseOutage
{
    public const int RetryAfterSeconds = 5;

    public static IApplicationBuilder UseDatabaseOutageProblem(this IApplicationBuilder app)
        => app.Use(async (context, next) =>
        {
            try
            {
                await next(context);
            }
            catch (Exception ex) when (IsUnreachable(ex) && !context.Response.HasStarted && !context.RequestAborted.IsCancellationRequested)
            {
                LogUnavailable(context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(DatabaseOutage)), ex,
                    context.Request.Method, context.Request.Path);
                context.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
                await ApiProblem.WriteAsync(context, StatusCodes.Status503ServiceUnavailable, "The database is unavailable",
                    "the request was not carried out because the database cannot be reached at the moment; send it again shortly");
            }
        });

    /// <summary>
    /// Connection-level failures: no server, a connection cut, the server shutting down or starting up, too many
    /// connections. Errors of the SQL itself (constraints, syntax) are bugs and stay 500s.
    /// </summary>
    public static bool IsUnreachable(Exception exception) => exception switch
    {
        // Class 08: connection exception; 57P01-57P03: admin/crash shutdown, cannot connect now; 53300: too many connections.
        PostgresException pg => pg.SqlState.StartsWith("08", StringComparison.Ordinal)
            || pg.SqlState is PostgresErrorCodes.AdminShutdown or PostgresErrorCodes.CrashShutdown or PostgresErrorCodes.CannotConnectNow
                or PostgresErrorCodes.TooManyConnections,
        NpgsqlException => true,
        _ => exception.InnerException is { } inner && IsUnreachable(inner),
    };

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Method} {Path} answered 503: the database is unreachable")]
    private static partial void LogUnavailable(ILogger logger, Exception exception, string method, string path);
}
