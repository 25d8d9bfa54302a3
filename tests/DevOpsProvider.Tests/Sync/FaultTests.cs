using DevOpsProvider.JiraEmulator;
using DevOpsProvider.Web.Sync;

namespace DevOpsProvider.Tests.Sync;

/// <summary>What Jira does wrong, and how runs ride it out (or stop, when retrying cannot help).</summary>
public sealed class FaultTests : IAsyncLifetime
{
    private SyncedJira _jira = null!;
    private EmulatorSite _site = null!;

    public async Task InitializeAsync()
    {
        _jira = await SyncedJira.StartAsync();
        _site = await _jira.InstallAndWaitAsync();
        // Three batches for the faults to hit.
        await _jira.SeedAsync(2100);
    }

    public async Task DisposeAsync() => await _jira.DisposeAsync();

    [Theory]
    [InlineData(FaultKind.TooManyRequests)]
    [InlineData(FaultKind.ServiceUnavailable)]
    [InlineData(FaultKind.InternalServerError)]
    [InlineData(FaultKind.DropConnection)]
    [InlineData(FaultKind.Slow)]
    public async Task TransientFault_RunRetriesAndCompletesWithNothingLost(FaultKind kind)
    {
        // Slow answers take longer than the attempt timeout (Sync:RequestTimeout 3 s): abandoned and retried.
        _site.Faults.FailNext(2, kind, retryAfter: TimeSpan.FromSeconds(1), delay: TimeSpan.FromSeconds(6));

        var outcome = await _jira.RunAsync(_site);

        Assert.Equal(SyncOutcome.Succeeded, outcome.Status);
        await _jira.AssertHoldsCatalogAsync(_site);
        var run = (await _jira.App.Get<SyncRuns>().GetAsync(outcome.RunId!.Value, default))!;
        Assert.Equal(2, run.Retries);
        Assert.Equal(2100, run.Accepted);
    }

    [Fact]
    public async Task RateLimitedSite_RunWaitsAsToldAndCompletes()
    {
        _site.Faults.RateLimitPerSecond = 1;

        var outcome = await _jira.RunAsync(_site);

        Assert.Equal(SyncOutcome.Succeeded, outcome.Status);
        Assert.Contains(_jira.RequestsTo(_site), r => r.Status == 429);
        await _jira.AssertHoldsCatalogAsync(_site);
    }

    [Fact]
    public async Task Unauthorized_StopsTheRunAndMarksTheSite_UntilItIsReinstalled()
    {
        _site.Faults.FailNext(1, FaultKind.Unauthorized);

        var outcome = await _jira.RunAsync(_site);

        Assert.Equal(SyncOutcome.NeedsAttention, outcome.Status);
        var requests = _jira.RequestsTo(_site).Count(r => r.Status == 401);
        Assert.Equal(1, requests);
        var summary = (await _jira.App.Get<SyncStatus>().SiteAsync(_site.ClientKey, default))!;
        Assert.Contains("401", summary.AttentionReason, StringComparison.Ordinal);
        Assert.Equal("needs-attention", summary.LastRun!.Outcome);

        // No retry storm: later runs of the marked site send nothing.
        var from = _jira.LogPosition;
        Assert.Equal(SyncOutcome.SkippedStatus, (await _jira.RunAsync(_site)).Status);
        Assert.Empty(_jira.RequestsTo(_site, from));

        // A reinstall (new secret) clears the mark and syncs everything.
        await _jira.Emulator.ReinstallAsync(_site.ClientKey);
        await _jira.WaitForRunAsync(_site, r => r.Outcome == SyncOutcome.Succeeded && r.Accepted > 0);
        await _jira.AssertHoldsCatalogAsync(_site);
        Assert.Null((await _jira.App.Get<SyncStatus>().SiteAsync(_site.ClientKey, default))!.AttentionReason);
    }
}
