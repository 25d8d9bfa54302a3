using DevOpsProvider.Web.Actions;
using DevOpsProvider.Web.Sync;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace DevOpsProvider.Web.Dashboard.Sites;

/// <summary>One site: its runs, failures, unknown project keys, associations, scopes, and the operator's buttons.</summary>
public sealed class SiteModel(SyncStatus status, SiteScopes scopes, AssociationStore associations) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public string ClientKey { get; set; } = "";

    [BindProperty(SupportsGet = true)]
    public bool ConfirmRemove { get; set; }

    public SiteSyncSummary? Site { get; private set; }

    public IReadOnlyList<SyncRunRecord> Runs { get; private set; } = [];

    public IReadOnlyList<ComponentFailure> Failures { get; private set; } = [];

    public IReadOnlyList<Association> Associations { get; private set; } = [];

    public string? Message { get; private set; }

    public async Task<IActionResult> OnGetAsync(string? done, CancellationToken cancellationToken)
    {
        Message = done switch
        {
            "sync" => "A sync of this site is queued.",
            "full" => "A full resync of this site is queued: every component is sent again.",
            "removed" => "Jira was asked to remove every component this app submitted to the site, and the site's scopes were cleared.",
            "busy" => "A sync of this site is running: nothing was removed. Try again when it has finished.",
            "scopes" => "Scopes saved: the next run adds and removes components to match.",
            _ => null,
        };
        return await LoadAsync(cancellationToken) ? Page() : NotFound();
    }

    /// <summary>The live progress of the running sync, for the progress bar (polled without a page reload).</summary>
    public async Task<IActionResult> OnGetProgressAsync(CancellationToken cancellationToken)
    {
        var site = await status.SiteAsync(ClientKey, cancellationToken);
        if (site is null)
        {
            return NotFound();
        }

        var run = site.Running ?? site.LastRun;
        var done = run is null ? 0 : run.Sent + run.Deleted;
        var pending = run?.Pending ?? 0;
        var percent = pending == 0 ? (site.Running is null ? 100 : 0) : Math.Min(100, done * 100 / pending);
        return new JsonResult(new { running = site.Running is not null, sent = done, pending, percent, outcome = run?.Outcome });
    }

    public async Task<IActionResult> OnPostSyncAsync(bool full, CancellationToken cancellationToken)
    {
        await status.SyncAsync(ClientKey, full, cancellationToken);
        return Redirect($"/sites/site?clientKey={Uri.EscapeDataString(ClientKey)}&done={(full ? "full" : "sync")}");
    }

    public async Task<IActionResult> OnPostRemoveAsync(CancellationToken cancellationToken)
    {
        var removed = await scopes.RemoveDataAsync(ClientKey, null, cancellationToken);
        return Redirect($"/sites/site?clientKey={Uri.EscapeDataString(ClientKey)}&done={(removed is null ? "busy" : "removed")}");
    }

    public async Task<IActionResult> OnPostScopesAsync(string? scopeList, CancellationToken cancellationToken)
    {
        var list = (scopeList ?? "").Split([',', ' ', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (SiteScopes.Validate(list) is { } error)
        {
            Message = error;
            await LoadAsync(cancellationToken);
            return Page();
        }

        await scopes.SetAsync(ClientKey, list, cancellationToken);
        return Redirect($"/sites/site?clientKey={Uri.EscapeDataString(ClientKey)}&done=scopes");
    }

    private async Task<bool> LoadAsync(CancellationToken cancellationToken)
    {
        Site = await status.SiteAsync(ClientKey, cancellationToken);
        if (Site is null)
        {
            return false;
        }

        Runs = await status.RunsAsync(ClientKey, 50, cancellationToken);
        Failures = await status.FailuresAsync(ClientKey, 200, cancellationToken);
        Associations = await associations.ListAsync(ClientKey, null, cancellationToken);
        return true;
    }
}
