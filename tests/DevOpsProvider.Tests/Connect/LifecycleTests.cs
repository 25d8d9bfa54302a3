using System.Net;
using DevOpsProvider.Tests.Infrastructure;
using DevOpsProvider.Web.Connect;

namespace DevOpsProvider.Tests.Connect;

public sealed class LifecycleTests : IAsyncLifetime
{
    private InstallKeyServer _keys = null!;
    private TestApp _app = null!;
    private HandSignedJira _jira = null!;

    public async Task InitializeAsync()
    {
        _keys = await InstallKeyServer.StartAsync();
        _app = await TestApp.StartAsync(new Dictionary<string, string?> { ["Connect:InstallKeysBaseUrl"] = _keys.BaseUrl });
        _jira = new HandSignedJira(_app, _keys);
        await _jira.InstallAsync();
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        await _keys.DisposeAsync();
    }

    private async Task<string> StateAsync() => (await _app.Get<TenantStore>().FindAsync(_jira.ClientKey))!.State;

    [Fact]
    public async Task DisabledThenEnabled_MoveTheState()
    {
        using (var disabled = await _jira.SendHs256Async("disabled"))
        {
            Assert.Equal(HttpStatusCode.NoContent, disabled.StatusCode);
        }

        Assert.Equal(TenantStates.Disabled, await StateAsync());
        using (var enabled = await _jira.SendHs256Async("enabled"))
        {
            Assert.Equal(HttpStatusCode.NoContent, enabled.StatusCode);
        }

        Assert.Equal(TenantStates.Active, await StateAsync());
    }

    [Fact]
    public async Task Uninstalled_SignedRs256_MarksTheTenantAndKeepsItsRowAndHistory()
    {
        using var response = await _jira.SendSignedAsync("uninstalled");

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal(TenantStates.Uninstalled, await StateAsync());
        var events = await _app.Get<TenantStore>().EventsAsync(_jira.ClientKey);
        Assert.Equal(["installed", "uninstalled"], events.Select(e => e.EventType));
    }

    [Fact]
    public async Task Uninstalled_SignedHs256_Returns401AndChangesNothing()
    {
        var token = JiraTokens.Hs256(_jira.ClientKey, _jira.SharedSecret, "POST", "/uninstalled");

        using var response = await _jira.SendSignedAsync("uninstalled", token);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(TenantStates.Active, await StateAsync());
    }

    [Fact]
    public async Task Enabled_WithoutToken_Returns401()
    {
        using var response = await _jira.PostAsync("/enabled", null, _jira.Body("enabled", withSecret: false));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Disabled_WithBodyNamingAnotherTenant_Returns400AndChangesNothing()
    {
        var other = new HandSignedJira(_app, _keys);
        await other.InstallAsync();
        var token = JiraTokens.Hs256(_jira.ClientKey, _jira.SharedSecret, "POST", "/disabled");

        using var response = await _jira.PostAsync("/disabled", token, other.Body("disabled", withSecret: false));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(TenantStates.Active, (await _app.Get<TenantStore>().FindAsync(other.ClientKey))!.State);
        Assert.Equal(TenantStates.Active, await StateAsync());
    }

    [Fact]
    public async Task RepeatedAndOutOfOrderCallbacks_AreHarmless()
    {
        (await _jira.SendHs256Async("disabled")).Dispose();
        (await _jira.SendHs256Async("disabled")).Dispose();
        Assert.Equal(TenantStates.Disabled, await StateAsync());

        (await _jira.SendSignedAsync("uninstalled")).Dispose();
        (await _jira.SendSignedAsync("uninstalled")).Dispose();
        // A late disabled or enabled after the uninstall does not bring the site back.
        using (var late = await _jira.SendHs256Async("enabled"))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, late.StatusCode);
        }

        Assert.Equal(TenantStates.Uninstalled, await StateAsync());

        // Only a verified installed does.
        await _jira.InstallAsync();
        Assert.Equal(TenantStates.Active, await StateAsync());
    }
}
