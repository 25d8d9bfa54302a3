using System.Net;
using System.Net.Http.Headers;
using DevOpsProvider.JiraEmulator;
using DevOpsProvider.Tests.Infrastructure;
using DevOpsProvider.Tests.Sync;
using DevOpsProvider.Web.Sync;

namespace DevOpsProvider.Tests.Operations;

/// <summary>What the app logs around a site's work: who and which run, never a secret or a token.</summary>
public sealed class LoggingTests : IAsyncLifetime, IDisposable
{
    private readonly CapturedLog _log = new();
    private SyncedJira _jira = null!;

    public async Task InitializeAsync() => _jira = await SyncedJira.StartAsync(new Dictionary<string, string?>
    {
        // An operator who turned on request and HttpClient logging: request lines must still keep tokens out.
        ["Logging:LogLevel:Microsoft.AspNetCore"] = "Information",
        ["Logging:LogLevel:System.Net.Http.HttpClient"] = "Information",
        // And the app's own debug lines (one per Jira call).
        ["Logging:LogLevel:DevOpsProvider"] = "Debug",
    }, services: _log.Register);

    public async Task DisposeAsync() => await _jira.DisposeAsync();

    public void Dispose() => _log.Dispose();

    [Fact]
    public async Task SiteWork_LogsClientKeyAndRunId_AndNeverTheSecretOrAToken()
    {
        var site = await _jira.InstallAndWaitAsync();
        await _jira.Jira.PutComponentAsync("billing", url: "https://components.example.com/billing");
        var outcome = await _jira.RunAsync(site);
        var action = await _jira.Emulator.CallActionAsync(site.ClientKey, "associateEntity",
            new ActionCallRequest(null, "https://components.example.com/billing", "project", "10001"));
        var refused = await CallWithForgedTokensAsync(site);

        Assert.Equal(SyncOutcome.Succeeded, outcome.Status);
        Assert.Equal(200, action.Status);
        Assert.All(refused, status => Assert.Equal(HttpStatusCode.Unauthorized, status));

        var entries = _log.Entries.ToList();
        var runId = outcome.RunId!.Value.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var ofRun = entries.Where(e => e.Scope.GetValueOrDefault("RunId") == runId).ToList();
        Assert.NotEmpty(ofRun);
        Assert.All(ofRun, e => Assert.Equal(site.ClientKey, e.Scope["ClientKey"]));
        Assert.All(ofRun, e => Assert.Equal("test", e.Scope["Trigger"]));
        // The run's own lines, and the Jira requests inside it.
        Assert.Contains(ofRun, e => e.Category == typeof(SiteSync).FullName && e.Message.Contains("succeeded", StringComparison.Ordinal));
        Assert.Contains(ofRun, e => e.Category.StartsWith("System.Net.Http.HttpClient", StringComparison.Ordinal) && e.Message.Contains("/bulk", StringComparison.Ordinal));
        // The action call, and the refused ones, name the site.
        Assert.Contains(entries, e => e.Scope.GetValueOrDefault("ClientKey") == site.ClientKey && e.Message.Contains("/actions/associate-entity", StringComparison.Ordinal));
        Assert.Contains(entries, e => e.Level == Microsoft.Extensions.Logging.LogLevel.Warning && e.Message.Contains("Rejected a Jira call", StringComparison.Ordinal));

        var leaks = entries.Where(e => e.AllText.Any(t => t.Contains(site.SharedSecret, StringComparison.Ordinal) || t.Contains("eyJ", StringComparison.Ordinal))).ToList();
        Assert.True(leaks.Count == 0, "secrets or tokens in the log: " + string.Join(Environment.NewLine, leaks.Select(e => $"{e.Category}: {e.Message}")));
    }

    /// <summary>Calls an action with tokens the app must refuse: wrong secret in the header, right secret with the wrong qsh in the query.</summary>
    private async Task<List<HttpStatusCode>> CallWithForgedTokensAsync(EmulatorSite site)
    {
        const string path = "/actions/associate-entity";
        var statuses = new List<HttpStatusCode>();
        using (var request = new HttpRequestMessage(HttpMethod.Post, path.TrimStart('/')) { Content = new StringContent("{}") })
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("JWT", JiraTokens.Hs256(site.ClientKey, "not-the-shared-secret", "POST", path));
            using var response = await _jira.App.Client.SendAsync(request);
            statuses.Add(response.StatusCode);
        }

        var wrongQsh = JiraTokens.Hs256(site.ClientKey, site.SharedSecret, "GET", "/somewhere-else");
        using (var request = new HttpRequestMessage(HttpMethod.Post, path.TrimStart('/') + "?jwt=" + wrongQsh) { Content = new StringContent("{}") })
        {
            using var response = await _jira.App.Client.SendAsync(request);
            statuses.Add(response.StatusCode);
        }

        return statuses;
    }
}
