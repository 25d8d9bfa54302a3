namespace DevOpsProvider.Web.Catalog;

/// <summary>Told after catalog writes commit (sync debounces a run per affected site).</summary>
public interface ICatalogChangeListener
{
    /// <param name="scopes">The scopes whose components changed (created, updated or deleted).</param>
    Task OnCatalogChangedAsync(IReadOnlyCollection<string> scopes, CancellationToken cancellationToken);
}
