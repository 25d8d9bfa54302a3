using System.Net;
using System.Net.Http.Headers;
using DevOpsProvider.Connect;
using DevOpsProvider.Tests.Infrastructure;
using DevOpsProvider.Web.Connect;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace DevOpsProvider.Tests.Connect;

/// <summary>One app with two test endpoints (one for servers, one marked for the browser) and an installed site.</summary>
public sealed class IncomingJwtFixture : IAsyncLifetime
{
    public InstallKeyServer Keys { get; private set; } = null!;

    public TestApp App { get; private set; } = null!;

    public HandSignedJira Jira { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Keys = await InstallKeyServer.StartAsync();
        App = await TestApp.StartAsync(
            new Dictionary<string, string?> { ["Connect:InstallKeysBaseUrl"] = Keys.BaseUrl },
            mapExtra: app =>
            {
                app.MapPost("/test/server", (HttpContext c) => Results.Text(c.GetTenant().ClientKey))
                    .RequireAuthorization(ConnectSetup.JiraPolicy);
                app.MapGet("/test/browser", [AllowContextQsh] (HttpContext c) => Results.Text(c.GetTenant().ClientKey))
                    .RequireAuthorization(ConnectSetup.JiraPolicy);
            });
        Jira = new HandSignedJira(App, Keys);
        await Jira.InstallAsync();
    }

    public async Task DisposeAsync()
    {
        await App.DisposeAsync();
        await Keys.DisposeAsync();
    }
}

/// <summary>The Connect JWT scheme on two test endpoints: one for servers, one marked for the browser.</summary>
public sealed class IncomingJwtTests(IncomingJwtFixture fixture) : IClassFixture<IncomingJwtFixture>
{
    private readonly InstallKeyServer _keys = fixture.Keys;
    private readonly TestApp _app = fixture.App;
    private readonly HandSignedJira _jira = fixture.Jira;

    [Fact]
    public async Task ValidToken_IsAcceptedAndNamesTheTenant()
    {
        using var response = await SendAsync(HttpMethod.Post, "/test/server?b=2&a=1", JiraTokens.Hs256(_jira.ClientKey, _jira.SharedSecret, "POST", "/test/server?a=1&b=2"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(_jira.ClientKey, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task TokenInJwtQueryParameter_IsAccepted()
    {
        var token = JiraTokens.Hs256(_jira.ClientKey, _jira.SharedSecret, "POST", "/test/server?x=y");

        using var response = await SendAsync(HttpMethod.Post, $"/test/server?x=y&jwt={token}", null);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    public static TheoryData<string, string> Rejections => new()
    {
        { "wrong-secret", "signature does not verify" },
        { "unknown-iss", "unknown iss" },
        { "expired", "expired" },
        { "outside-leeway", "expired" },
        { "bad-qsh", "qsh does not match" },
        { "other-method", "qsh does not match" },
        { "context-qsh", "context-qsh is not accepted" },
        { "no-qsh", "no qsh" },
        { "alg-none", "malformed" },
        { "rs256", "algorithm" },
    };

    [Theory]
    [MemberData(nameof(Rejections))]
    public async Task BadToken_Returns401WithAReason(string kind, string reason)
    {
        var path = "/test/server";
        var now = DateTimeOffset.UtcNow;
        var token = kind switch
        {
            "wrong-secret" => JiraTokens.Hs256(_jira.ClientKey, "not-the-secret", "POST", path),
            "unknown-iss" => JiraTokens.Hs256("nobody", _jira.SharedSecret, "POST", path),
            "expired" => JiraTokens.Hs256(_jira.ClientKey, _jira.SharedSecret, "POST", path, now.AddHours(-1)),
            "outside-leeway" => JiraTokens.Hs256(_jira.ClientKey, _jira.SharedSecret, "POST", path, now.AddSeconds(-45), TimeSpan.FromSeconds(1)),
            "bad-qsh" => JiraTokens.Hs256(_jira.ClientKey, _jira.SharedSecret, "POST", "/test/other"),
            "other-method" => JiraTokens.Hs256(_jira.ClientKey, _jira.SharedSecret, "GET", path),
            "context-qsh" => JiraTokens.Hs256(_jira.ClientKey, _jira.SharedSecret, "POST", path, qsh: QueryStringHash.ContextQsh),
            "no-qsh" => ConnectJwt.Sign("""{"alg":"HS256"}"""u8,
                System.Text.Encoding.UTF8.GetBytes($$"""{"iss":"{{_jira.ClientKey}}","exp":{{now.AddMinutes(3).ToUnixTimeSeconds()}}}"""),
                System.Text.Encoding.UTF8.GetBytes(_jira.SharedSecret)),
            "alg-none" => JiraTokens.Raw("""{"alg":"none"}""", $$"""{"iss":"{{_jira.ClientKey}}","exp":{{now.AddMinutes(3).ToUnixTimeSeconds()}},"qsh":"{{QueryStringHash.Compute("POST", path)}}"}"""),
            "rs256" => JiraTokens.SignedInstall(_keys.Key, _keys.KeyId, _jira.ClientKey, _app.BaseUrl, "POST", path),
            _ => throw new ArgumentOutOfRangeException(nameof(kind)),
        };

        using var response = await SendAsync(HttpMethod.Post, path, token);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync();
        Assert.Contains(reason, body, StringComparison.Ordinal);
        Assert.DoesNotContain(token, body, StringComparison.Ordinal);
        Assert.DoesNotContain(_jira.SharedSecret, body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WithinLeeway_IsAccepted()
    {
        var token = JiraTokens.Hs256(_jira.ClientKey, _jira.SharedSecret, "POST", "/test/server", DateTimeOffset.UtcNow.AddSeconds(-15), TimeSpan.FromSeconds(1));

        using var response = await SendAsync(HttpMethod.Post, "/test/server", token);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task ContextQsh_IsAcceptedOnABrowserEndpoint()
    {
        var token = JiraTokens.Hs256(_jira.ClientKey, _jira.SharedSecret, "GET", "/test/browser", qsh: QueryStringHash.ContextQsh);

        using var response = await SendAsync(HttpMethod.Get, "/test/browser", token);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task DisabledSite_IsStillAuthenticated_UninstalledIsNot()
    {
        // A site of its own: the shared one stays installed for the other tests.
        var site = new HandSignedJira(_app, _keys);
        await site.InstallAsync();
        (await site.SendHs256Async("disabled")).Dispose();
        using (var whileDisabled = await SendAsync(HttpMethod.Post, "/test/server", JiraTokens.Hs256(site.ClientKey, site.SharedSecret, "POST", "/test/server")))
        {
            Assert.Equal(HttpStatusCode.OK, whileDisabled.StatusCode);
        }

        (await site.SendSignedAsync("uninstalled")).Dispose();
        using var afterUninstall = await SendAsync(HttpMethod.Post, "/test/server", JiraTokens.Hs256(site.ClientKey, site.SharedSecret, "POST", "/test/server"));
        Assert.Equal(HttpStatusCode.Unauthorized, afterUninstall.StatusCode);
    }

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string pathAndQuery, string? token)
    {
        using var request = new HttpRequestMessage(method, pathAndQuery.TrimStart('/'));
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("JWT", token);
        }

        return await _app.Client.SendAsync(request);
    }
}
