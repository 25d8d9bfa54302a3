namespace DevOpsProvider.Web.Operations;

/// <summary>Settings of a graceful stop (section "Shutdown").</summary>
public sealed class ShutdownOptions
{
    public const string Section = "Shutdown";

    /// <summary>The least timeout that leaves a request in flight time to finish and be recorded.</summary>
    public static readonly TimeSpan Minimum = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How long a stop signal (SIGTERM, Ctrl+C) may take: the host's ShutdownTimeout and the Hangfire server's. Keep it
    /// below the orchestrator's grace period (Kubernetes: terminationGracePeriodSeconds, 30 s by default).
    /// </summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);
}

/// <summary>
/// A stop lets the sync run in progress end cleanly: no batch starts after the signal, the request in flight may
/// finish and its outcome is recorded, the run is recorded as cancelled and its Hangfire job goes back to the queue
/// (see Sync/RunStop.cs). Every part reads the one timeout from <see cref="HostOptions.ShutdownTimeout"/>.
/// </summary>
public static class Shutdown
{
    public static WebApplicationBuilder AddGracefulShutdown(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<ShutdownOptions>().BindConfiguration(ShutdownOptions.Section)
            .Validate(o => o.Timeout >= ShutdownOptions.Minimum, $"Shutdown:Timeout must be at least {ShutdownOptions.Minimum} (00:00:10).")
            .ValidateOnStart();
        builder.Services.AddOptions<HostOptions>().Configure<Microsoft.Extensions.Options.IOptions<ShutdownOptions>>(
            (host, shutdown) => host.ShutdownTimeout = shutdown.Value.Timeout);
        return builder;
    }
}
