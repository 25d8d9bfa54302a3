using System.Text;
using DevOpsProvider.Tests.Infrastructure;
using DevOpsProvider.Web.Demo;
using DevOpsProvider.Web.Sync;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace DevOpsProvider.Tests.Dashboard;

/// <summary>
/// The first-run demo in a real Chromium: the app in Development with the in-process emulator, the sample catalog and
/// the demo site. With SCREENSHOT_DIR set, saves screenshots of the main pages there
/// (SCREENSHOT_DIR=$PWD/docs/screenshots dotnet test --filter BrowserDemoTests).
/// </summary>
public sealed class BrowserDemoTests(Browser browser) : IClassFixture<Browser>, IAsyncLifetime
{
    private static readonly string? ScreenshotDir = Environment.GetEnvironmentVariable("SCREENSHOT_DIR");
    private TestApp _app = null!;
    private DemoRunner _demo = null!;

    public async Task InitializeAsync()
    {
        _app = await TestApp.StartAsync(new Dictionary<string, string?>
        {
            ["Environment"] = "Development",
            ["Demo:Enabled"] = "true",
            ["Demo:EmulatorUrl"] = $"http://127.0.0.1:{Ports.FreeLoopbackPort()}",
            ["Sync:DebounceSeconds"] = "1",
        });
        _demo = _app.Services.GetRequiredService<DemoRunner>();
        await _demo.Ready.WaitAsync(TimeSpan.FromSeconds(60));
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private async Task<IPage> SignedInPageAsync(IBrowserContext context)
    {
        var page = await context.NewPageAsync();
        await page.GotoAsync(_app.BaseUrl + "/login");
        await Shoot(page, "sign-in");
        await page.FillAsync("input[name=username]", "admin");
        await page.FillAsync("input[name=password]", TestApp.AdminPassword);
        await page.ClickAsync("button[type=submit]");
        await page.WaitForURLAsync(_app.BaseUrl + "/");
        return page;
    }

    [Fact]
    public async Task Overview_ShowsTheDemoSite_AndASyncRunsTo100Percent()
    {
        await using var context = await browser.Chromium.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 900 } });
        var page = await SignedInPageAsync(context);
        var site = Assert.Single(_demo.Emulator!.Sites);

        await Assertions.Expect(page.Locator("table").First).ToContainTextAsync(site.BaseUrl);
        await page.Locator($"a:has-text('{site.BaseUrl}')").First.ClickAsync();
        await page.ClickAsync("button:has-text('Full resync')");

        // The text with a percentage is written only by the page's script, from the progress endpoint.
        await Assertions.Expect(page.Locator("[data-progress-text]")).ToContainTextAsync("(100%)", new() { Timeout = 60_000 });
        await Assertions.Expect(page.Locator("#progress")).ToHaveAttributeAsync("data-state", "done");
        Assert.Equal("100", await page.Locator("progress").EvaluateAsync<string>("p => String(p.value)"));
        var runs = await _app.Services.GetRequiredService<SyncRuns>().ListAsync(site.ClientKey, 10, default);
        Assert.Contains(runs, r => r.FullSync && r.Outcome == "succeeded" && r.Sent > 0);
        await page.ReloadAsync();
        await Shoot(page, "site");
        await page.GotoAsync(_app.BaseUrl + "/");
        await Shoot(page, "overview");
        await page.GotoAsync(_app.BaseUrl + "/sites");
        await Shoot(page, "sites");
    }

    [Fact]
    public async Task ImportUpload_ShowsItsReport()
    {
        await using var context = await browser.Chromium.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 900 } });
        var page = await SignedInPageAsync(context);
        await page.GotoAsync(_app.BaseUrl + "/catalog");
        await Shoot(page, "catalog");
        var csv = """
            id,name,description,url,avatarUrl,tier,componentType,scope
            browser-a,Browser A,Uploaded from the browser,https://example.com/a,https://example.com/a.png,Tier 2,Website,default
            browser-b,Browser B,Has a bad tier,https://example.com/b,https://example.com/b.png,Tier 9,Website,default
            """;

        await page.SetInputFilesAsync("input[type=file]", new FilePayload { Name = "upload.csv", MimeType = "text/csv", Buffer = Encoding.UTF8.GetBytes(csv) });
        await page.ClickAsync("button:has-text('Import')");

        var report = page.Locator("#import-report");
        await Assertions.Expect(report).ToContainTextAsync("Import report");
        await Assertions.Expect(report).ToContainTextAsync("line 3");
        await Assertions.Expect(report).ToContainTextAsync("tier: must be one of Tier 1, Tier 2, Tier 3, Tier 4");
        await Shoot(page, "import-report");

        // A phone-sized screen still shows the report.
        await page.SetViewportSizeAsync(390, 844);
        await Assertions.Expect(report).ToBeVisibleAsync();
        await Shoot(page, "import-report-phone");
    }

    private static async Task Shoot(IPage page, string name)
    {
        if (!string.IsNullOrEmpty(ScreenshotDir))
        {
            Directory.CreateDirectory(ScreenshotDir);
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(ScreenshotDir, name + ".png"), FullPage = true });
        }
    }
}
