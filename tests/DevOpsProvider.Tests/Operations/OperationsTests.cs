using System.Net;
using System.Text.Json.Nodes;
using DevOpsProvider.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;

namespace DevOpsProvider.Tests.Operations;

public sealed class OperationsTests : IAsyncLifetime
{
    private TestApp _app = null!;

    public async Task InitializeAsync() => _app = await TestApp.StartAsync();

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task Live_Answers200()
    {
        using var response = await _app.Client.GetAsync("health/live");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Ready_ReportsTheDatabaseAndTheJobStorageHealthy()
    {
        using var response = await _app.Client.GetAsync("health/ready");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal("Healthy", (string?)body["status"]);
        Assert.Equal("Healthy", (string?)body["checks"]?["database"]?["status"]);
        Assert.Equal("Healthy", (string?)body["checks"]?["hangfire"]?["status"]);
    }

    [Fact]
    public void ConsoleLogs_OutsideDevelopment_AreJsonWithScopes()
    {
        Assert.Equal(ConsoleFormatterNames.Json, _app.Get<IOptions<ConsoleLoggerOptions>>().Value.FormatterName);
        Assert.True(_app.Get<IOptions<JsonConsoleFormatterOptions>>().Value.IncludeScopes);
    }

    [Theory]
    [InlineData("/login")]
    [InlineData("/atlassian-connect.json")]
    public async Task Responses_CarrySecurityHeaders(string path)
    {
        using var response = await _app.Client.GetAsync(path.TrimStart('/'));

        var csp = string.Join(";", response.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("script-src 'self'", csp, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe-inline", csp, StringComparison.Ordinal);
        Assert.Contains("frame-ancestors 'none'", csp, StringComparison.Ordinal);
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
    }

    [Fact]
    public async Task DashboardPages_HaveNoInlineScript()
    {
        var page = await _app.Client.GetStringAsync("login");

        Assert.DoesNotContain("<script>", page, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("<script src=\"/assets/site.js\"", page, StringComparison.Ordinal);
    }
}
