using DevOpsProvider.Web.Api;
using Microsoft.Extensions.Diagnostics.Metrics;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;

namespace DevOpsProvider.Web.Operations;

/// <summary>
/// Metrics through OpenTelemetry, exported in Prometheus' text format at /metrics for holders of an API key (the
/// numbers say how many sites sync and how often Jira refuses us: not for the world). Besides ASP.NET Core, HttpClient
/// and runtime metrics, the app's own instruments live on one meter, <see cref="MeterName"/> (Sync/SyncMetrics.cs).
/// </summary>
public static class Metrics
{
    public const string MeterName = "DevOpsProvider";

    public const string Path = "/metrics";

    public static WebApplicationBuilder AddOperationsMetrics(this WebApplicationBuilder builder)
    {
        // The app's meter is enabled by a rule of the host's metrics system rather than by AddMeter: a rule can be
        // limited to meters made by this host's IMeterFactory (MeterScope.Local), so two apps in one process (tests,
        // benchmarks) never count each other's work. "OpenTelemetry" is the name of OpenTelemetry's metrics listener.
        builder.Metrics.EnableMetrics(MeterName, null, "OpenTelemetry", MeterScope.Local);
        builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService("devops-component-provider"))
            .WithMetrics(metrics => metrics
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation()
                .AddPrometheusExporter());
        return builder;
    }

    public static void MapMetrics(this WebApplication app)
        => app.MapPrometheusScrapingEndpoint(Path).RequireAuthorization(ApiKeyAuthentication.Policy);
}
