using System.Net;
using System.Security.Cryptography;
using DevOpsProvider.Tests.Infrastructure;
using DevOpsProvider.Web.Connect;
using Microsoft.IdentityModel.Tokens;

namespace DevOpsProvider.Tests.Connect;

public sealed class SignedInstallTests : IAsyncLifetime
{
    private InstallKeyServer _keys = null!;
    private TestApp _app = null!;
    private HandSignedJira _jira = null!;

    public async Task InitializeAsync()
    {
        _keys = await InstallKeyServer.StartAsync();
        _app = await TestApp.StartAsync(new Dictionary<string, string?> { ["Connect:InstallKeysBaseUrl"] = _keys.BaseUrl });
        _jira = new HandSignedJira(_app, _keys);
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        await _keys.DisposeAsync();
    }

    [Fact]
    public async Task Installed_WithValidSignedToken_StoresTenant()
    {
        using var response = await _jira.SendSignedAsync("installed");

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        var tenant = await _app.Get<TenantStore>().FindAsync(_jira.ClientKey);
        Assert.NotNull(tenant);
        Assert.Equal(_jira.SharedSecret, tenant.SharedSecret);
        Assert.Equal(_jira.BaseUrl, tenant.BaseUrl);
        Assert.Equal(TenantStates.Active, tenant.State);
        Assert.Equal("SEN-1234", tenant.ServiceEntitlementNumber);
        Assert.Equal("jira", tenant.ProductType);
        Assert.Equal("cloud-" + _jira.ClientKey, tenant.CloudId);
        Assert.Equal("ari:cloud:ecosystem::installation/" + _jira.ClientKey, tenant.InstallationId);
    }

    public static TheoryData<string> BadTokens => new()
    {
        "hs256", "none", "wrong-key", "unknown-kid", "wrong-aud", "iss-not-client-key", "bad-qsh", "expired", "no-token", "garbage",
    };

    [Theory]
    [MemberData(nameof(BadTokens))]
    public async Task Installed_WithBadToken_Returns401AndStoresNothing(string kind)
    {
        var path = "/installed";
        using var otherKey = RSA.Create(2048);
        string? token = kind switch
        {
            "hs256" => JiraTokens.Hs256(_jira.ClientKey, _jira.SharedSecret, "POST", path),
            "none" => JiraTokens.Raw("""{"alg":"none","typ":"JWT"}""", $$"""{"iss":"{{_jira.ClientKey}}","aud":"{{_app.BaseUrl}}","exp":{{DateTimeOffset.UtcNow.AddMinutes(3).ToUnixTimeSeconds()}}}"""),
            "wrong-key" => JiraTokens.SignedInstall(otherKey, _keys.KeyId, _jira.ClientKey, _app.BaseUrl, "POST", path),
            "unknown-kid" => JiraTokens.SignedInstall(_keys.Key, "no-such-kid", _jira.ClientKey, _app.BaseUrl, "POST", path),
            "wrong-aud" => JiraTokens.SignedInstall(_keys.Key, _keys.KeyId, _jira.ClientKey, "https://other-app.example.com", "POST", path),
            "iss-not-client-key" => JiraTokens.SignedInstall(_keys.Key, _keys.KeyId, "someone-else", _app.BaseUrl, "POST", path),
            "bad-qsh" => JiraTokens.SignedInstall(_keys.Key, _keys.KeyId, _jira.ClientKey, _app.BaseUrl, "POST", "/uninstalled"),
            "expired" => JiraTokens.SignedInstall(_keys.Key, _keys.KeyId, _jira.ClientKey, _app.BaseUrl, "POST", path,
                now: DateTimeOffset.UtcNow.AddMinutes(-10), lifetime: TimeSpan.FromMinutes(3)),
            "garbage" => "not.a.jwt",
            _ => null,
        };

        using var response = token is null
            ? await _jira.PostAsync(path, null, _jira.Body("installed", withSecret: true))
            : await _jira.SendSignedAsync("installed", token);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain(_jira.SharedSecret, body, StringComparison.Ordinal);
        Assert.Null(await _app.Get<TenantStore>().FindAsync(_jira.ClientKey));
    }

    [Fact]
    public async Task Installed_WhenKeyServerIsDown_Returns401AndStoresNothing()
    {
        await _keys.StopAsync();

        using var response = await _jira.SendSignedAsync("installed");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Null(await _app.Get<TenantStore>().FindAsync(_jira.ClientKey));
    }

    [Fact]
    public async Task Installed_WhenKeyServerFails_Returns401AndStoresNothing()
    {
        _keys.ForcedStatus = 500;

        using var response = await _jira.SendSignedAsync("installed");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Null(await _app.Get<TenantStore>().FindAsync(_jira.ClientKey));
    }

    [Fact]
    public async Task InstallKey_IsCachedByKid()
    {
        await _jira.InstallAsync();
        var fetches = _keys.Fetches;
        _keys.ForcedStatus = 500;

        var second = new HandSignedJira(_app, _keys);
        await second.InstallAsync();

        Assert.Equal(1, fetches);
        Assert.Equal(fetches, _keys.Fetches);
    }

    [Fact]
    public async Task Installed_WithRs384_Returns401()
    {
        var token = JiraTokens.SignedInstall(_keys.Key, _keys.KeyId, _jira.ClientKey, _app.BaseUrl, "POST", "/installed", alg: SecurityAlgorithms.RsaSha384);

        using var response = await _jira.SendSignedAsync("installed", token);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Installed_AudienceWithTrailingSlash_IsAccepted()
    {
        var token = JiraTokens.SignedInstall(_keys.Key, _keys.KeyId, _jira.ClientKey, _app.BaseUrl + "/", "POST", "/installed");

        using var response = await _jira.SendSignedAsync("installed", token);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
    }

    [Fact]
    public async Task Installed_ForHostOutsideAllowedHosts_Returns400AndStoresNothing()
    {
        _jira.BaseUrl = "https://evil.example.com";

        using var response = await _jira.SendSignedAsync("installed");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("AllowedHosts", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Null(await _app.Get<TenantStore>().FindAsync(_jira.ClientKey));
    }

    [Fact]
    public async Task Installed_ForAnotherAppKey_Returns400()
    {
        var body = _jira.Body("installed", withSecret: true);
        body["key"] = "another-app";

        using var response = await _jira.SendSignedAsync("installed", body: body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Null(await _app.Get<TenantStore>().FindAsync(_jira.ClientKey));
    }

    [Fact]
    public async Task Reinstall_RotatesSecret_AndOldSecretStopsWorking()
    {
        await _jira.InstallAsync();
        var oldSecret = _jira.SharedSecret;
        _jira.SharedSecret = "rotated-" + Guid.NewGuid().ToString("N");

        await _jira.InstallAsync();

        using var withOld = await _jira.SendHs256Async("enabled", secret: oldSecret);
        using var withNew = await _jira.SendHs256Async("enabled");
        Assert.Equal(HttpStatusCode.Unauthorized, withOld.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, withNew.StatusCode);
        Assert.Equal(_jira.SharedSecret, (await _app.Get<TenantStore>().FindAsync(_jira.ClientKey))!.SharedSecret);
    }

    [Fact]
    public async Task Reinstall_WithBadSignature_KeepsTheOldSecret()
    {
        await _jira.InstallAsync();
        var oldSecret = _jira.SharedSecret;
        _jira.SharedSecret = "attacker-" + Guid.NewGuid().ToString("N");
        using var otherKey = RSA.Create(2048);
        var forged = JiraTokens.SignedInstall(otherKey, _keys.KeyId, _jira.ClientKey, _app.BaseUrl, "POST", "/installed");

        using var response = await _jira.SendSignedAsync("installed", forged);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(oldSecret, (await _app.Get<TenantStore>().FindAsync(_jira.ClientKey))!.SharedSecret);
    }

    [Fact]
    public async Task NewClientKeyForSameBaseUrl_ReplacesTheOldTenant()
    {
        await _jira.InstallAsync();
        var oldKey = _jira.ClientKey;
        var restored = new HandSignedJira(_app, _keys) { BaseUrl = _jira.BaseUrl };

        await restored.InstallAsync();

        var store = _app.Get<TenantStore>();
        Assert.Equal(TenantStates.Replaced, (await store.FindAsync(oldKey))!.State);
        Assert.Equal(TenantStates.Active, (await store.FindAsync(restored.ClientKey))!.State);
        Assert.Contains(await store.EventsAsync(oldKey), e => e.EventType == "replaced");
    }
}
