using System.Net.Http.Json;
using DevOpsProvider.JiraEmulator;

namespace DevOpsProvider.Tests.Infrastructure;

/// <summary>
/// The app and the Jira emulator wired together as in the demo: the app trusts the emulator's install keys, and
/// sites are installed through the real descriptor and signed-install flow.
/// </summary>
public sealed class EmulatedJira : IAsyncDisposable
{
    private EmulatedJira(JiraEmulatorServer emulator, TestApp app)
    {
        Emulator = emulator;
        App = app;
        Api = app.CreateApiClient();
    }

    public JiraEmulatorServer Emulator { get; }

    public TestApp App { get; }

    /// <summary>A client of the app's provider API (/api/v1) with a valid key.</summary>
    public HttpClient Api { get; }

    public static async Task<EmulatedJira> StartAsync(IDictionary<string, string?>? settings = null, EmulatorOptions? emulatorOptions = null,
        TimeProvider? emulatorTime = null, string? connectionString = null, Action<Microsoft.Extensions.DependencyInjection.IServiceCollection>? services = null)
    {
        var emulator = await JiraEmulatorServer.StartAsync(emulatorOptions, time: emulatorTime);
        var all = new Dictionary<string, string?>(settings ?? new Dictionary<string, string?>())
        {
            ["Connect:InstallKeysBaseUrl"] = emulator.InstallKeysBaseUrl,
        };
        var app = await TestApp.StartAsync(all, services, connectionString);
        return new EmulatedJira(emulator, app);
    }

    /// <summary>Installs the app into a new emulator site from its descriptor URL.</summary>
    public Task<EmulatorSite> InstallSiteAsync() => Emulator.InstallAsync(App.BaseUrl + "/atlassian-connect.json");

    /// <summary>Creates or replaces a component through the provider API.</summary>
    public async Task PutComponentAsync(string id, string? url = null, string scope = "default", string name = "Component", string tier = "Tier 2")
    {
        using var response = await Api.PutAsJsonAsync($"api/v1/components/{Uri.EscapeDataString(id)}", new
        {
            id,
            name,
            description = "The " + name + " component",
            url = url ?? $"https://components.example.com/{Uri.EscapeDataString(id)}",
            avatarUrl = "https://components.example.com/avatar.png",
            tier,
            componentType = "Service",
            scope,
        });
        response.EnsureSuccessStatusCode();
    }

    public async ValueTask DisposeAsync()
    {
        Api.Dispose();
        await App.DisposeAsync();
        await Emulator.DisposeAsync();
    }
}
