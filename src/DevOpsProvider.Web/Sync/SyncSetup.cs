using DevOpsProvider.Web.Catalog;
using DevOpsProvider.Web.Connect;
using DevOpsProvider.Web.Data;
using Hangfire;
using Hangfire.AspNetCore;
using Hangfire.PostgreSql;
using Microsoft.Extensions.Options;

namespace DevOpsProvider.Web.Sync;

public static class SyncSetup
{
    public const string HangfireSchema = "hangfire";
    public const string RecurringJobId = "sync-all-sites";

    public static WebApplicationBuilder AddSync(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<SyncOptions>().BindConfiguration(SyncOptions.Section).ValidateDataAnnotations()
            .Validate(o => o.Interval >= TimeSpan.FromMinutes(1), "Sync:Interval must be at least one minute (00:01:00).")
            .Validate(o => o.RetryBaseDelay > TimeSpan.Zero && o.MaxRetryDelay >= o.RetryBaseDelay, "Sync:RetryBaseDelay must be positive and at most Sync:MaxRetryDelay.")
            .Validate(o => o.RequestTimeout > TimeSpan.Zero, "Sync:RequestTimeout must be positive.")
            .Validate(o => o.FailureRetryBaseDelay > TimeSpan.Zero && o.FailureRetryMaxDelay >= o.FailureRetryBaseDelay,
                "Sync:FailureRetryBaseDelay must be positive and at most Sync:FailureRetryMaxDelay.")
            .Validate(o => o.QueuedRunTimeout > TimeSpan.Zero, "Sync:QueuedRunTimeout must be positive.")
            .ValidateOnStart();
        builder.Services.AddOptions<JiraOptions>().BindConfiguration(JiraOptions.Section).ValidateDataAnnotations().ValidateOnStart();

        builder.Services.AddSingleton<SyncPlanner>();
        builder.Services.AddSingleton<SiteState>();
        builder.Services.AddSingleton<SiteFlagStore>();
        builder.Services.AddSingleton<SyncRuns>();
        builder.Services.AddSingleton<SyncStatus>();
        builder.Services.AddSingleton<SiteScopes>();
        builder.Services.AddSingleton<FailureRetries>();
        builder.Services.AddTransient<SiteSync>();
        builder.Services.AddTransient<SyncJob>();
        builder.Services.AddSingleton<SyncTriggers>();
        builder.Services.AddSingleton<ITenantLifecycleListener>(sp => sp.GetRequiredService<SyncTriggers>());
        builder.Services.AddSingleton<ICatalogChangeListener>(sp => sp.GetRequiredService<SyncTriggers>());

        builder.Services.AddSingleton<SyncMetrics>();
        builder.Services.AddSingleton<JobQueueMetrics>();
        builder.Services.AddTransient<JiraSigningHandler>();
        builder.Services.AddTransient<JiraRequestMetering>();
        // Handlers run in the order added: the retries outside, the signing inside, so every attempt is signed afresh,
        // and the metering innermost, so every attempt is counted with its status.
        // Attempts time out in the pipeline, so HttpClient's own overall timeout is off.
        var jiraHttp = builder.Services.AddHttpClient<JiraClient>(http => http.Timeout = Timeout.InfiniteTimeSpan);
        jiraHttp.AddResilienceHandler("jira", JiraResilience.Configure);
        jiraHttp.AddHttpMessageHandler<JiraSigningHandler>();
        jiraHttp.AddHttpMessageHandler<JiraRequestMetering>();

        AddHangfire(builder);
        builder.Services.AddHostedService<RecurringSyncRegistration>();
        return builder;
    }

    public static WebApplication MapSync(this WebApplication app)
    {
        app.MapSyncApi();
        // The gauges exist from the first scrape on, whether or not a run has happened.
        app.Services.GetRequiredService<JobQueueMetrics>();
        return app;
    }

    private static void AddHangfire(WebApplicationBuilder builder)
    {
        builder.Services.AddHangfire((sp, config) => config
            .SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
            .UseSimpleAssemblyNameTypeSerializer()
            .UseRecommendedSerializerSettings()
            .UseLogProvider(new HangfireLogBridge(sp.GetRequiredService<ILoggerFactory>())));
        // Registered after AddHangfire so it wins: each app (tests start several in one process) gets its own storage
        // instead of Hangfire's process-wide JobStorage.Current.
        builder.Services.AddSingleton(sp => new HangfireConnections(
            sp.GetRequiredService<DatabaseConnection>().ConnectionString, sp.GetRequiredService<IOptions<SyncOptions>>().Value.Workers));
        builder.Services.AddSingleton<JobStorage>(sp =>
        {
            var sync = sp.GetRequiredService<IOptions<SyncOptions>>().Value;
            var storageOptions = new PostgreSqlStorageOptions
            {
                SchemaName = HangfireSchema,
                PrepareSchemaIfNecessary = true,
                // Short polls rather than LISTEN/NOTIFY long polling, which keeps a connection per idle worker open.
                QueuePollInterval = sync.QueuePollInterval,
            };
            return new PostgreSqlStorage(sp.GetRequiredService<HangfireConnections>(), storageOptions);
        });

        if (builder.Configuration.GetValue(SyncOptions.Section + ":" + nameof(SyncOptions.RunServer), true))
        {
            builder.Services.AddHangfireServer((sp, server) =>
            {
                var sync = sp.GetRequiredService<IOptions<SyncOptions>>().Value;
                server.WorkerCount = sync.Workers;
                // Debounced runs are delayed jobs of a few seconds: look for due ones every second.
                server.SchedulePollingInterval = TimeSpan.FromSeconds(1);
                // A stop waits as long as the host does for the run in progress to record its batch in flight (RunStop).
                server.ShutdownTimeout = sp.GetRequiredService<IOptions<HostOptions>>().Value.ShutdownTimeout;
                // This app's container builds the jobs, not Hangfire's process-wide JobActivator.Current (which the
                // last app built in the process would own: tests and benchmarks run several).
                server.Activator = new AspNetCoreJobActivator(sp.GetRequiredService<IServiceScopeFactory>());
            });
        }
    }

    /// <summary>
    /// The cron of the safety net from Sync:Interval: every N minutes below an hour, every N hours below a day, else
    /// daily (cron steps cannot span their field, so intervals round to what cron can say).
    /// </summary>
    public static string IntervalCron(TimeSpan interval)
    {
        var minutes = Math.Max(1, (int)Math.Round(interval.TotalMinutes));
        return minutes switch
        {
            < 60 => $"*/{minutes} * * * *",
            < 24 * 60 => $"0 */{minutes / 60} * * *",
            _ => "0 0 * * *",
        };
    }

    /// <summary>Registers the recurring safety net once the database is migrated (idempotent across instances).</summary>
    private sealed class RecurringSyncRegistration(IRecurringJobManager recurring, IOptions<SyncOptions> options) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            recurring.AddOrUpdate<SyncJob>(RecurringJobId, job => job.RunAllAsync(SyncTriggers.Interval, CancellationToken.None),
                IntervalCron(options.Value.Interval), new RecurringJobOptions { TimeZone = TimeZoneInfo.Utc });
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
