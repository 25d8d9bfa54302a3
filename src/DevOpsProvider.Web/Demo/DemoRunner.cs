using System.Reflection;
using DevOpsProvider.JiraEmulator;
using DevOpsProvider.Web.Catalog;
using DevOpsProvider.Web.Connect;
using DevOpsProvider.Web.Dashboard;

namespace DevOpsProvider.Web.Demo;

/// <summary>
/// The first run without Jira: starts the Jira emulator in-process, seeds the sample catalog when the catalog is
/// empty, installs the app into the emulator through the real descriptor and signed-install flow (which starts the
/// first sync), and says where to look.
/// </summary>
public sealed class DemoRunner(
    DemoOptions options,
    IServiceProvider services,
    IHostApplicationLifetime lifetime,
    ILogger<DemoRunner> logger) : IHostedService, IAsyncDisposable
{
    private static readonly (string Resource, ImportFormat Format)[] Samples =
    [
        ("samples.catalog.json", ImportFormat.Json),
        ("samples.catalog.csv", ImportFormat.Csv),
        ("samples.catalog-info.yaml", ImportFormat.Backstage),
    ];

    private JiraEmulatorServer? _emulator;
    private Task? _setup;

    public JiraEmulatorServer? Emulator => _emulator;

    /// <summary>Completes when the demo site is installed and the samples are in (tests and the screenshot command wait on it).</summary>
    public Task Ready => _setup ?? Task.CompletedTask;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        _emulator = await JiraEmulatorServer.StartAsync(new EmulatorOptions(), options.EmulatorUrl);
        var started = new TaskCompletionSource();
        lifetime.ApplicationStarted.Register(() => started.TrySetResult());
        _setup = Task.Run(async () =>
        {
            await started.Task;
            try
            {
                await SetUpAsync(lifetime.ApplicationStopping);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogError(ex, "The demo could not be set up; the app runs on without it");
            }
        }, CancellationToken.None);
    }

    private async Task SetUpAsync(CancellationToken cancellationToken)
    {
        var store = services.GetRequiredService<ComponentStore>();
        if (await store.CountAsync(cancellationToken) == 0)
        {
            var importer = services.GetRequiredService<ComponentImporter>();
            foreach (var (resource, format) in Samples)
            {
                await using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream(resource)
                    ?? throw new InvalidOperationException($"Sample {resource} is not embedded.");
                var report = await importer.ImportAsync(stream, format, new ImportOptions(), cancellationToken);
                logger.LogInformation("Demo: imported {Resource}: {Created} created, {Rejected} rejected", resource, report.Created, report.Rejected.Count);
            }
        }

        var baseUrl = services.GetRequiredService<AppBaseUrl>().Value;
        var site = await _emulator!.InstallAsync(baseUrl + "/atlassian-connect.json", cancellationToken);
        var credentials = services.GetRequiredService<OperatorCredentials>();
        logger.LogWarning(
            """
            
            ==== DevOps Component Provider demo is running ====
              Dashboard:      {Dashboard}  (user '{User}', password {Password})
              Jira emulator:  {Emulator}  (site {Site})
              Descriptor:     {Descriptor}
              Turn the demo off with Demo:Enabled=false.
            """,
            baseUrl + "/", credentials.Username, credentials.OneTimePassword ?? "as configured in Admin:PasswordHash",
            _emulator.BaseUrl + "/", site.BaseUrl, baseUrl + "/atlassian-connect.json");
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_emulator is not null)
        {
            await _emulator.DisposeAsync();
            _emulator = null;
        }
    }

    public async ValueTask DisposeAsync() => await StopAsync(CancellationToken.None);
}
