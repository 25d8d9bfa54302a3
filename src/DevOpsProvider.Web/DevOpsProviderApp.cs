using DevOpsProvider.Web.Api;
using DevOpsProvider.Web.Catalog;
using DevOpsProvider.Web.Connect;
using DevOpsProvider.Web.Data;

namespace DevOpsProvider.Web;

/// <summary>The composition root: one AddX()/MapX() per feature. Tests and benchmarks build the same app.</summary>
public static class DevOpsProviderApp
{
    /// <param name="configure">Runs first: configuration sources, logging.</param>
    /// <param name="overrideServices">Runs after every feature's registrations: replacements (tests use a fake clock).</param>
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null, Action<IServiceCollection>? overrideServices = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        configure?.Invoke(builder);
        RequiredSettings.Check(builder.Configuration, builder.Environment);

        builder.Services.AddSingleton(TimeProvider.System);
        builder.AddData();
        builder.AddConnect();
        builder.AddApi();
        builder.AddCatalog();
        builder.Services.AddRazorPages();
        overrideServices?.Invoke(builder.Services);

        var app = builder.Build();
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapConnect();
        app.MapApi();
        app.MapCatalog();
        app.MapRazorPages();
        return app;
    }
}
