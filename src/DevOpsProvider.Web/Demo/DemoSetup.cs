namespace DevOpsProvider.Web.Demo;

public static class DemoSetup
{
    /// <summary>
    /// In Development (unless Demo:Enabled=false): points the install-key check at the in-process emulator and runs
    /// the demo. Never outside Development, where installs come from Atlassian only.
    /// </summary>
    public static WebApplicationBuilder AddDemo(this WebApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection(DemoOptions.Section).Get<DemoOptions>() ?? new DemoOptions();
        if (!builder.Environment.IsDevelopment() || options.Enabled == false)
        {
            return builder;
        }

        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Connect:InstallKeysBaseUrl"] = options.EmulatorUrl.TrimEnd('/') + "/install-keys",
        });
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton<DemoRunner>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<DemoRunner>());
        return builder;
    }
}
