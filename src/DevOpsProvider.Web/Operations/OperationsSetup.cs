namespace DevOpsProvider.Web.Operations;

public static class OperationsSetup
{
    public static WebApplicationBuilder AddOperations(this WebApplicationBuilder builder)
    {
        builder.AddOperationsLogging();
        builder.AddOperationsMetrics();
        builder.AddGracefulShutdown();
        builder.Services.AddOperationsHealth();
        builder.Services.AddSingleton(builder.Configuration.GetSection(RetentionOptions.Section).Get<RetentionOptions>() ?? new RetentionOptions());
        builder.Services.AddSingleton<Retention>();
        builder.Services.AddHostedService<Retention.Registration>();
        return builder;
    }

    public static WebApplication MapOperations(this WebApplication app)
    {
        app.MapHealth();
        app.MapMetrics();
        return app;
    }
}
