using DevOpsProvider.Web.Api;
using Microsoft.Extensions.Options;

namespace DevOpsProvider.Web.Catalog;

public static class CatalogSetup
{
    public static WebApplicationBuilder AddCatalog(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<CatalogOptions>()
            .BindConfiguration(CatalogOptions.Section)
            .ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<CatalogOptions>, CatalogOptionsValidator>();
        builder.Services.AddSingleton<CatalogDefaults>();
        builder.Services.AddSingleton<ComponentStore>();
        builder.Services.AddSingleton<ComponentImporter>();
        return builder;
    }

    public static WebApplication MapCatalog(this WebApplication app)
    {
        var group = app.MapGroup(ComponentEndpoints.Route)
            .RequireAuthorization(ApiKeyAuthentication.Policy)
            .DisableAntiforgery()
            .WithTags("Components");
        group.MapComponentEndpoints();
        group.MapBatchEndpoints();
        return app;
    }
}

/// <summary>Fails start-up with a message naming the bad Catalog setting.</summary>
public sealed class CatalogOptionsValidator : IValidateOptions<CatalogOptions>
{
    public ValidateOptionsResult Validate(string? name, CatalogOptions options)
        => CatalogOptions.Check(options) is { } failure ? ValidateOptionsResult.Fail(failure) : ValidateOptionsResult.Success;
}
