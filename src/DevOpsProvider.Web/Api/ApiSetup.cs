using System.Security.Cryptography;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
using Scalar.AspNetCore;

namespace DevOpsProvider.Web.Api;

/// <summary>In Development without Api:Keys, a key made at start (and logged once) so the API can be tried at once.</summary>
public sealed record DevelopmentApiKey(string Value);

/// <summary>The provider's API under /api/v1: key authentication, body limit, OpenAPI document and reference page.</summary>
public static class ApiSetup
{
    public const string Prefix = "/api/v1";

    public static WebApplicationBuilder AddApi(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<ApiOptions>()
            .BindConfiguration(ApiOptions.Section)
            .Validate(o => o.MaxRequestBytes > 0, "Api:MaxRequestBytes must be a positive number of bytes.")
            .ValidateOnStart();
        if (builder.Environment.IsDevelopment() && !HasKeys(builder.Configuration))
        {
            var key = new DevelopmentApiKey(Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_'));
            builder.Services.AddSingleton(key);
            builder.Services.PostConfigure<ApiOptions>(o => o.Keys.Add(key.Value));
        }

        builder.Services.AddAuthentication()
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthentication>(ApiKeyAuthentication.SchemeName, _ => { });
        builder.Services.AddAuthorizationBuilder()
            .AddPolicy(ApiKeyAuthentication.Policy, policy => policy
                .AddAuthenticationSchemes(ApiKeyAuthentication.SchemeName)
                .RequireAuthenticatedUser());
        builder.Services.AddProblemDetails();
        builder.Services.AddOpenApi("v1", options => options.AddDocumentTransformer((document, _, _) =>
        {
            document.Info.Title = "DevOps Component Provider API";
            document.Info.Description = "The provider's catalog API. Every /api/v1 call needs 'Authorization: Bearer <key>' with a key from Api:Keys.";
            return Task.CompletedTask;
        }));
        return builder;
    }

    /// <summary>True when Api:Keys holds at least one non-empty key (arrays bind as Api:Keys:0, Api:Keys:1, ...).</summary>
    public static bool HasKeys(IConfiguration configuration)
        => configuration.GetSection("Api:Keys").GetChildren().Any(c => !string.IsNullOrWhiteSpace(c.Value));

    public static WebApplication MapApi(this WebApplication app)
    {
        var key = app.Services.GetService<DevelopmentApiKey>();
        if (key is not null)
        {
            app.Lifetime.ApplicationStarted.Register(() => app.Logger.LogWarning(
                "Api:Keys is not set: generated the API key {ApiKey} for this run. It is for development only; configure Api:Keys for anything else.",
                key.Value));
        }

        app.UseWhen(c => c.Request.Path.StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase), api => api.Use(LimitBodyAsync));
        app.MapOpenApi().AllowAnonymous();
        app.MapScalarApiReference("/api/docs", options =>
        {
            options.Title = "DevOps Component Provider API";
            // The page must work without reaching the internet: Scalar's own bundle is served by the app (its
            // default), and the web fonts it would otherwise fetch from a CDN are switched off.
            options.DefaultFonts = false;
            options.Telemetry = false;
        }).AllowAnonymous();
        return app;
    }

    /// <summary>Bodies above Api:MaxRequestBytes get 413: at once from Content-Length, or when reading passes the limit.</summary>
    private static async Task LimitBodyAsync(HttpContext context, RequestDelegate next)
    {
        var limit = context.RequestServices.GetRequiredService<IOptions<ApiOptions>>().Value.MaxRequestBytes;
        if (context.Request.ContentLength > limit)
        {
            await TooLargeAsync(context, limit);
            return;
        }

        var feature = context.Features.Get<IHttpMaxRequestBodySizeFeature>();
        if (feature is { IsReadOnly: false })
        {
            feature.MaxRequestBodySize = limit;
        }

        try
        {
            await next(context);
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge && !context.Response.HasStarted)
        {
            await TooLargeAsync(context, limit);
        }
    }

    private static Task TooLargeAsync(HttpContext context, long limit)
        => ApiProblem.WriteAsync(context, StatusCodes.Status413PayloadTooLarge, "The request body is too large",
            $"request bodies may hold at most {limit} bytes (Api:MaxRequestBytes); send fewer components per request");
}
