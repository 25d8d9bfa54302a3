using DevOpsProvider.Tests.Infrastructure;
using Microsoft.Playwright;

namespace DevOpsProvider.Tests.Dashboard;

public sealed class BrowserSignInTests(Browser browser) : IClassFixture<Browser>, IAsyncLifetime
{
    private TestApp _app = null!;

    public async Task InitializeAsync() => _app = await TestApp.StartAsync();

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task SignIn_InChromium_LandsOnTheOverview()
    {
        await using var context = await browser.Chromium.NewContextAsync();
        var page = await context.NewPageAsync();

        await page.GotoAsync(_app.BaseUrl + "/");
        Assert.EndsWith("/login?ReturnUrl=%2F", page.Url, StringComparison.Ordinal);
        await page.FillAsync("input[name=username]", "admin");
        await page.FillAsync("input[name=password]", TestApp.AdminPassword);
        await page.ClickAsync("button[type=submit]");

        await page.WaitForURLAsync(_app.BaseUrl + "/");
        Assert.Equal("Overview", await page.InnerTextAsync("h1"));
    }

    [Fact]
    public async Task WrongPassword_InChromium_ShowsTheError()
    {
        await using var context = await browser.Chromium.NewContextAsync();
        var page = await context.NewPageAsync();

        await page.GotoAsync(_app.BaseUrl + "/login");
        await page.FillAsync("input[name=username]", "admin");
        await page.FillAsync("input[name=password]", "nope");
        await page.ClickAsync("button[type=submit]");

        await Assertions.Expect(page.Locator("[role=alert]")).ToHaveTextAsync("Wrong user name or password.");
    }
}
