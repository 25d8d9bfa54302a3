using DevOpsProvider.Web.Catalog;
using DevOpsProvider.Web.Sync;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace DevOpsProvider.Web.Dashboard.Catalog;

/// <summary>One component: its fields, where it stands on each site, and deletion (with a confirmation step).</summary>
public sealed class ComponentModel(ComponentStore store, SyncStatus status) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public string? Id { get; set; }

    [BindProperty(SupportsGet = true)]
    public bool ConfirmDelete { get; set; }

    public CatalogComponent? Component { get; private set; }

    public IReadOnlyList<ComponentOnSite> Sites { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        Component = string.IsNullOrEmpty(Id) ? null : await store.FindAsync(Id, cancellationToken);
        if (Component is null)
        {
            return NotFound();
        }

        Sites = await status.ComponentOnSitesAsync(Component.Id, cancellationToken);
        return Page();
    }

    public async Task<IActionResult> OnPostDeleteAsync(CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(Id) || !await store.DeleteAsync(Id, cancellationToken))
        {
            return NotFound();
        }

        return Redirect("/catalog?deleted=" + Uri.EscapeDataString(Id));
    }
}
