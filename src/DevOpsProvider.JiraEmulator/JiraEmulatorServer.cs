namespace DevOpsProvider.JiraEmulator;

/// <summary>
/// The emulator started in-process on a real port (tests, the app's demo mode, benchmarks). Everything the HTTP
/// inspection API under /_emulator offers is available here as methods.
/// </summary>
public sealed class JiraEmulatorServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly Emulator _emulator;
    private readonly AppInstaller _installer;
    private readonly ActionCaller _actions;

    private JiraEmulatorServer(WebApplication app)
    {
        _app = app;
        _emulator = app.Services.GetRequiredService<Emulator>();
        _installer = app.Services.GetRequiredService<AppInstaller>();
        _actions = app.Services.GetRequiredService<ActionCaller>();
    }

    /// <param name="url">Where to listen; port 0 picks a free port (see <see cref="BaseUrl"/>).</param>
    public static async Task<JiraEmulatorServer> StartAsync(EmulatorOptions? options = null, string url = "http://127.0.0.1:0", TimeProvider? time = null)
    {
        var app = EmulatorHost.Build(["--urls", url], options ?? new EmulatorOptions(), time, quiet: true);
        await app.StartAsync();
        return new JiraEmulatorServer(app);
    }

    /// <summary>The emulator's URL without a trailing slash, e.g. http://127.0.0.1:41234.</summary>
    public string BaseUrl => _emulator.BaseUrl;

    /// <summary>Where the install keys are published; the app's Connect:InstallKeysBaseUrl points here.</summary>
    public string InstallKeysBaseUrl => BaseUrl + "/install-keys";

    public IReadOnlyList<EmulatorSite> Sites => _emulator.Sites;

    /// <summary>The app's calls to the sites' API, oldest first.</summary>
    public IReadOnlyList<ReceivedRequest> Requests => _emulator.Log.Snapshot();

    /// <summary>Installs the app whose descriptor is at <paramref name="descriptorUrl"/> on a new site, like Jira's "upload app".</summary>
    /// <exception cref="EmulatorInstallException">The descriptor is unusable or the app refused installed/enabled; no site is kept.</exception>
    public Task<EmulatorSite> InstallAsync(string descriptorUrl, CancellationToken ct = default) => _installer.InstallAsync(descriptorUrl, ct);

    public EmulatorSite? FindSite(string clientKey) => _emulator.FindSite(clientKey);

    public Task UninstallAsync(string clientKey) => _installer.UninstallAsync(Site(clientKey), CancellationToken.None);

    public Task DisableAsync(string clientKey) => _installer.DisableAsync(Site(clientKey), CancellationToken.None);

    public Task EnableAsync(string clientKey) => _installer.EnableAsync(Site(clientKey), CancellationToken.None);

    /// <summary>Rotates the shared secret: a signed installed with the new secret, then enabled.</summary>
    public Task ReinstallAsync(string clientKey) => _installer.ReinstallAsync(Site(clientKey), CancellationToken.None);

    /// <summary>Forgets every site and the request log.</summary>
    public void Reset() => _emulator.Reset();

    /// <summary>Jira calling the app's module action <paramref name="action"/> (PROTOCOL.md section 7), signed HS256.</summary>
    public Task<ActionCallResult> CallActionAsync(string clientKey, string action, ActionCallRequest request)
        => _actions.CallAsync(Site(clientKey), action, request, CancellationToken.None);

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private EmulatorSite Site(string clientKey)
        => _emulator.FindSite(clientKey) ?? throw new KeyNotFoundException($"no site has clientKey '{clientKey}'");
}
