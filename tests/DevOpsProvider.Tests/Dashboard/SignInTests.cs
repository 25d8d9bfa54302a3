using System.Net;
using DevOpsProvider.Tests.Infrastructure;

namespace DevOpsProvider.Tests.Dashboard;

public sealed class SignInTests : IAsyncLifetime
{
    private TestApp _app = null!;

    public async Task InitializeAsync() => _app = await TestApp.StartAsync(new Dictionary<string, string?> { ["Admin:SignInAttemptsPerWindow"] = "4" });

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Theory]
    [InlineData("/")]
    [InlineData("/sites")]
    [InlineData("/catalog")]
    public async Task AnonymousPage_RedirectsToSignIn(string path)
    {
        using var browser = new OperatorBrowser(_app);

        using var response = await browser.GetAsync(path);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/login", response.Headers.Location?.PathAndQuery, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SignIn_WithGoodCredentials_OpensTheOverview()
    {
        using var browser = new OperatorBrowser(_app);

        await browser.SignInAsync();

        var overview = await browser.GetPageAsync("/");
        Assert.Contains("Overview", overview, StringComparison.Ordinal);
        var cookie = browser.Cookies.GetAllCookies().Single(c => c.Name == "devops-provider-operator");
        Assert.True(cookie.HttpOnly);
    }

    [Theory]
    [InlineData("admin", "wrong password")]
    [InlineData("root", TestApp.AdminPassword)]
    public async Task SignIn_WithBadCredentials_StaysOutWithAMessage(string user, string password)
    {
        using var browser = new OperatorBrowser(_app);

        using var response = await browser.PostFormAsync("/login", "/login", new Dictionary<string, string> { ["username"] = user, ["password"] = password });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("Wrong user name or password.", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        using var overview = await browser.GetAsync("/");
        Assert.Equal(HttpStatusCode.Redirect, overview.StatusCode);
    }

    [Fact]
    public async Task SignIn_WithoutAntiforgeryToken_IsRefused()
    {
        using var browser = new OperatorBrowser(_app);

        using var response = await browser.PostRawFormAsync("/login", new Dictionary<string, string> { ["username"] = "admin", ["password"] = TestApp.AdminPassword });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task SignIn_TooManyAttempts_AreRateLimited()
    {
        using var browser = new OperatorBrowser(_app);
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 6; i++)
        {
            using var response = await browser.PostFormAsync("/login", "/login", new Dictionary<string, string> { ["username"] = "admin", ["password"] = "guess " + i });
            statuses.Add(response.StatusCode);
        }

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK], statuses.Take(4));
        Assert.All(statuses.Skip(4), s => Assert.Equal(HttpStatusCode.TooManyRequests, s));
    }

    [Fact]
    public async Task SignOut_EndsTheSession()
    {
        using var browser = new OperatorBrowser(_app);
        await browser.SignInAsync();

        using var response = await browser.PostFormAsync("/", "/logout", new Dictionary<string, string>());

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        using var after = await browser.GetAsync("/");
        Assert.Equal(HttpStatusCode.Redirect, after.StatusCode);
    }
}
