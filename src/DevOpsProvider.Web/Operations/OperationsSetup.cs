namespace DevOpsProvider.Web.Operations;

public static class OperationsSetup
{
    public static WebApplicationBuilder AddOperations(this WebApplicationBuilder builder)
    {
        builder.Services.AddOperationsHealth();
        return builder;
    }

    public static WebApplication MapOperations(this WebApplication app)
    {
        app.MapHealth();
        return app;
    }
}
