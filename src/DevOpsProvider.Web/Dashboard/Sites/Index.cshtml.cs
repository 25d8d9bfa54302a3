using DevOpsProvider.Web.Sync;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace DevOpsProvider.Web.Dashboard.Sites;

public sealed class IndexModel(SyncStatus status) : PageModel
{
    public IReadOnlyList<SiteSyncSummary> Sites { get; private set; } = [];

    public string? Message { get; private set; }

    public async Task OnGetAsync(CancellationToken cancellationToken)
        => Sites = await status.SitesAsync(cancellationToken);

    public async Task<IActionResult> OnPostSyncAllAsync(CancellationToken cancellationToken)
    {
        status.SyncAll();
        Message = "A sync of every active site is queued.";
        Sites = await status.SitesAsync(cancellationToken);
        return Page();
    }
}
