using DevOpsProvider.Web.Api;
using DevOpsProvider.Web.Catalog;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace DevOpsProvider.Web.Dashboard.Catalog;

/// <summary>Browse and search the catalog; upload an import file and see its report.</summary>
public sealed class IndexModel(ComponentStore store, ComponentImporter importer) : PageModel
{
    public const int PageSize = 50;

    [BindProperty(SupportsGet = true)]
    public string? Q { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Tier { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? ComponentType { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Scope { get; set; }

    [BindProperty(SupportsGet = true, Name = "page")]
    public int PageNumber { get; set; } = 1;

    public ComponentPage Components { get; private set; } = new([], 0, 1, PageSize);

    public ImportReport? Report { get; private set; }

    public string? ImportError { get; private set; }

    public string? Message { get; private set; }

    public async Task OnGetAsync(string? deleted, CancellationToken cancellationToken)
    {
        Message = deleted is null ? null : $"Deleted {deleted}. Sync removes it from every site at its next run.";
        await LoadAsync(cancellationToken);
    }

    /// <summary>
    /// A refused import answers 4xx (400 unreadable file or bad scope, 415 not UTF-8) with the reason on the page;
    /// bodies over Api:MaxRequestBytes never get here (<see cref="UploadLimit"/> answers 413).
    /// </summary>
    public async Task<IActionResult> OnPostImportAsync(IFormFile? file, string? format, string? importScope, bool replace, bool dryRun, CancellationToken cancellationToken)
    {
        var status = StatusCodes.Status400BadRequest;
        var scope = string.IsNullOrWhiteSpace(importScope) ? null : importScope.Trim();
        if (file is null || file.Length == 0)
        {
            ImportError = "Choose a file to import.";
        }
        else if (scope is not null && !ComponentRules.IsScope(scope))
        {
            ImportError = $"the scope '{scope}' {ComponentRules.ScopeRule}.";
        }
        else if (ResolveFormat(format, file) is not { } resolved)
        {
            ImportError = "Choose the format (JSON, CSV or Backstage YAML): it cannot be told from the file name.";
        }
        else
        {
            try
            {
                Utf8Body.CheckCharset(file.ContentType);
                await using var stream = file.OpenReadStream();
                Report = await importer.ImportAsync(stream, resolved,
                    new ImportOptions(scope, replace, dryRun), cancellationToken);
            }
            catch (ImportFileException ex)
            {
                ImportError = ex.Message;
            }
            catch (BodyEncodingException ex)
            {
                ImportError = ex.Error.Field == Utf8Body.BodyField ? "the file " + ex.Error.Rule : ex.Message;
                status = StatusCodes.Status415UnsupportedMediaType;
            }
        }

        if (ImportError is not null)
        {
            Response.StatusCode = status;
        }

        await LoadAsync(cancellationToken);
        return Page();
    }

    private static ImportFormat? ResolveFormat(string? format, IFormFile file)
    {
        if (ImportFormats.TryParse(format, out var chosen))
        {
            return chosen;
        }

        return Path.GetExtension(file.FileName).ToLowerInvariant() switch
        {
            ".json" => ImportFormat.Json,
            ".csv" => ImportFormat.Csv,
            ".yaml" or ".yml" => ImportFormat.Backstage,
            _ => ImportFormats.FromMediaType(file.ContentType),
        };
    }

    private async Task LoadAsync(CancellationToken cancellationToken)
    {
        PageNumber = Math.Max(1, PageNumber);
        Components = await store.ListAsync(new ComponentQuery(Empty(Q), Empty(Tier), Empty(ComponentType), Empty(Scope), PageNumber, PageSize), cancellationToken);
    }

    private static string? Empty(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();
}
