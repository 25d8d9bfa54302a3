namespace DevOpsProvider.JiraEmulator;

/// <summary>The composition root shared by the standalone program and <see cref="JiraEmulatorServer"/>.</summary>
internal static class EmulatorHost
{
    /// <param name="options">Null: bound from configuration section "Emulator" (standalone).</param>
    public static WebApplication Build(string[] args, EmulatorOptions? options, TimeProvider? time, bool quiet)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            Args = args,
            ApplicationName = typeof(EmulatorHost).Assembly.GetName().Name,
            ContentRootPath = AppContext.BaseDirectory,
        });
        if (quiet)
        {
            // In-process (tests, demo, benchmarks): the host's own logs are enough.
            builder.Logging.ClearProviders();
        }
        else
        {
            // Standalone: one line per request would drown what matters; Logging:LogLevel settings still apply on top.
            builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        }

        options ??= builder.Configuration.GetSection(EmulatorOptions.Section).Get<EmulatorOptions>() ?? new EmulatorOptions();
        builder.Services.AddSingleton(_ => new Emulator(options, time ?? TimeProvider.System));
        builder.Services.AddSingleton<AppClient>();
        builder.Services.AddSingleton<AppInstaller>();
        builder.Services.AddSingleton<ActionCaller>();

        var app = builder.Build();
        // Resolved now so that a bad Emulator:* setting stops the start with a message naming the key.
        var emulator = app.Services.GetRequiredService<Emulator>();
        app.Lifetime.ApplicationStarted.Register(() => emulator.SetBaseUrl(app.Urls));
        app.MapInstallKeys();
        app.MapSiteApi();
        app.MapInspection();
        app.MapHomePage();
        return app;
    }

    private static void MapInstallKeys(this IEndpointRouteBuilder app)
        => app.MapGet("/install-keys/{kid}", (string kid, Emulator emulator) => kid == emulator.InstallKey.KeyId
            ? Results.Text(emulator.InstallKey.PublicKeyPem, "text/plain")
            : Results.NotFound());
}
