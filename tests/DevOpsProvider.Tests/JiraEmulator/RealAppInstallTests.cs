using DevOpsProvider.JiraEmulator;
using DevOpsProvider.Tests.Infrastructure;
using DevOpsProvider.Web.Connect;

namespace DevOpsProvider.Tests.JiraEmulator;

/// <summary>The emulator against the real app: what it sends is what the app's lifecycle endpoints accept.</summary>
public sealed class RealAppInstallTests
{
    [Fact]
    public async Task TheApp_InstallsIntoTheEmulator_AndFollowsDisableEnableReinstallAndUninstall()
    {
        await using var emulator = await JiraEmulatorServer.StartAsync();
        await using var app = await TestApp.StartAsync(new Dictionary<string, string?>
        {
            ["Connect:InstallKeysBaseUrl"] = emulator.InstallKeysBaseUrl,
        });
        var store = app.Get<TenantStore>();

        var site = await emulator.InstallAsync(app.BaseUrl + "/atlassian-connect.json");

        var tenant = await store.FindAsync(site.ClientKey);
        Assert.NotNull(tenant);
        Assert.Equal(site.SharedSecret, tenant.SharedSecret);
        Assert.Equal(site.BaseUrl, tenant.BaseUrl);

        await emulator.DisableAsync(site.ClientKey);
        await emulator.EnableAsync(site.ClientKey);
        await emulator.ReinstallAsync(site.ClientKey);
        Assert.Equal(site.SharedSecret, (await store.FindAsync(site.ClientKey))!.SharedSecret);

        await emulator.UninstallAsync(site.ClientKey);
        var events = (await store.EventsAsync(site.ClientKey)).Select(e => e.EventType).ToList();
        Assert.Equal(["installed", "enabled", "disabled", "enabled", "installed", "enabled", "uninstalled"], events);
    }
}
