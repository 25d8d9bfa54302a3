using Microsoft.AspNetCore.Authentication;

namespace DevOpsProvider.Web.Connect;

public static class ConnectSetup
{
    /// <summary>The authorization policy of every Jira-to-app endpoint.</summary>
    public const string JiraPolicy = "Jira";

    public static WebApplicationBuilder AddConnect(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<ConnectOptions>()
            .BindConfiguration(ConnectOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSingleton<AppBaseUrl>();
        builder.Services.AddSingleton<Descriptor>();
        builder.Services.AddSingleton<HostPolicy>();
        builder.Services.AddSingleton<EncryptionKeySource>();
        builder.Services.AddSingleton<SecretProtector>();
        builder.Services.AddSingleton<TenantStore>();
        builder.Services.AddHostedService<SecretRotation>();
        builder.Services.AddSingleton<TenantCache>();
        builder.Services.AddSingleton<SignedInstallVerifier>();
        builder.Services.AddHttpClient(nameof(InstallKeys), InstallKeys.Configure);
        builder.Services.AddSingleton<InstallKeys>();

        builder.Services.AddAuthentication()
            .AddScheme<AuthenticationSchemeOptions, ConnectJwtHandler>(ConnectJwtHandler.SchemeName, _ => { });
        builder.Services.AddAuthorizationBuilder()
            .AddPolicy(JiraPolicy, policy => policy
                .AddAuthenticationSchemes(ConnectJwtHandler.SchemeName)
                .RequireAuthenticatedUser());
        return builder;
    }

    public static WebApplication MapConnect(this WebApplication app)
    {
        Descriptor.Map(app);
        app.MapLifecycle();
        return app;
    }
}
