using DevOpsProvider.Web.Catalog;
using DevOpsProvider.Web.Sync;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace DevOpsProvider.Web.Dashboard;

public sealed class IndexModel(SyncStatus status, SyncRuns runs, ComponentStore catalog) : PageModel
{
    public IReadOnlyList<SiteSyncSummary> Sites { get; private set; } = [];

    public IReadOnlyList<SyncRunRecord> RecentRuns { get; private set; } = [];

    public long CatalogSize { get; private set; }

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        Sites = await status.SitesAsync(cancellationToken);
        RecentRuns = await runs.RecentAsync(100, cancellationToken);
        CatalogSize = await catalog.CountAsync(cancellationToken);
    }
}
