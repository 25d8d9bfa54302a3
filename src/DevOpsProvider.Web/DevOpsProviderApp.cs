using DevOpsProvider.Web.Actions;
using DevOpsProvider.Web.Api;
using DevOpsProvider.Web.Catalog;
using DevOpsProvider.Web.Connect;
using DevOpsProvider.Web.Dashboard;
using DevOpsProvider.Web.Data;
using DevOpsProvider.Web.Demo;
using DevOpsProvider.Web.Operations;
using DevOpsProvider.Web.Sync;

namespace DevOpsProvider.Web;

/// <summary>The composition root: one AddX()/MapX() per feature. Tests and benchmarks build the same app.</summary>
public static class DevOpsProviderApp
{
    /// <param name="configure">Runs first: configuration sources, logging.</param>
    /// <param name="overrideServices">Runs after every feature's registrations: replacements (tests use a fake clock).</param>
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null, Action<IServiceCollection>? overrideServices = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args,
            // Razor Pages are found in the application assembly: name it, since tests and benchmarks host the app too.
            ApplicationName = typeof(DevOpsProviderApp).Assembly.GetName().Name,
        });
        configure?.Invoke(builder);
        RequiredSettings.Check(builder.Configuration, builder.Environment);

        builder.Services.AddSingleton(TimeProvider.System);
        builder.AddData();
        builder.AddConnect();
        builder.AddDashboard();
        builder.AddOperations();
        builder.AddApi();
        builder.AddCatalog();
        builder.AddActions();
        builder.AddSync();
        builder.AddDemo();
        overrideServices?.Invoke(builder.Services);

        var app = builder.Build();
        app.UseSecurityHeaders();
        app.UseRequestTargetGuard();
        app.UseDatabaseOutageProblem();
        app.UseRateLimiter();
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapConnect();
        app.MapDashboard();
        app.MapOperations();
        app.MapApi();
        app.MapCatalog();
        app.MapActions();
        app.MapSync();
        return app;
    }
}
