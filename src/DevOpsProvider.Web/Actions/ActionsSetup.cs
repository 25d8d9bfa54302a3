namespace DevOpsProvider.Web.Actions;

public static class ActionsSetup
{
    public static WebApplicationBuilder AddActions(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<AssociationWriter>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<AssociationWriter>());
        builder.Services.AddSingleton<AssociationStore>();
        return builder;
    }

    public static WebApplication MapActions(this WebApplication app)
    {
        ActionEndpoints.MapActions(app);
        app.MapAssociationsApi();
        return app;
    }
}
