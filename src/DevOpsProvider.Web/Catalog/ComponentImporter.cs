using System.Text;
using System.Text.Json.Serialization;
using DevOpsProvider.Web.Api;

namespace DevOpsProvider.Web.Catalog;

/// <param name="Scope">Puts every imported component in this scope (and is the scope replace mode works on).</param>
/// <param name="Replace">Deletes the live components of the affected scopes that the file does not hold.</param>
/// <param name="DryRun">Reports what would change without changing anything.</param>
public sealed record ImportOptions(string? Scope = null, bool Replace = false, bool DryRun = false);

/// <summary>A rejected entry, named by the position its format has (line, document or item) and its id when known.</summary>
public sealed record ImportRejection(
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? Line,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? Document,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? Item,
    string? Id,
    IReadOnlyList<FieldError> Errors);

public sealed record ImportReport(
    int Created, int Updated, int Unchanged, int Skipped, int Deleted, IReadOnlyList<ImportRejection> Rejected, IReadOnlyList<string> DeletedIds, bool DryRun);

/// <summary>
/// Imports a catalog file (JSON, CSV or Backstage YAML) into the store: every valid component is stored, every bad
/// one reported. The API's import endpoint and the dashboard both call it.
/// </summary>
public sealed class ComponentImporter(ComponentStore store, CatalogDefaults defaults)
{
    /// <exception cref="ImportFileException">The file cannot be read at all.</exception>
    /// <exception cref="BodyEncodingException">The file is not UTF-8 text (nothing is stored).</exception>
    /// <exception cref="ArgumentException">options.Scope is not a valid scope.</exception>
    public async Task<ImportReport> ImportAsync(Stream stream, ImportFormat format, ImportOptions options, CancellationToken cancellationToken = default)
    {
        if (options.Scope is not null && !ComponentRules.IsScope(options.Scope))
        {
            throw new ArgumentException($"scope {ComponentRules.ScopeRule}", nameof(options));
        }

        var file = await ReadAsync(new Utf8CheckingStream(stream), format, cancellationToken);
        var (valid, rejected) = ComponentBatch.Validate(file.Items, defaults.ForComponents(), options.Scope);

        IReadOnlyCollection<string>? replaceScopes = null;
        if (options.Replace)
        {
            replaceScopes = options.Scope is not null ? [options.Scope] : valid.Select(v => v.Component.Scope).Distinct(StringComparer.Ordinal).ToArray();
        }

        // A component whose new version is malformed is reported, not deleted: bad data must not cost good data.
        // An id that breaks the text rules (a NUL, say) cannot be in the store, and must not reach SQL either.
        var keepIds = rejected.Where(r => r.Id is not null && ComponentRules.IsPlainText(r.Id)).Select(r => r.Id!).ToArray();
        var result = await store.UpsertManyAsync(
            valid.Select(v => v.Component).ToArray(),
            new CatalogWriteOptions(replaceScopes, keepIds, options.DryRun),
            cancellationToken);

        return new ImportReport(
            result.Stored.Count(s => s.Outcome == WriteOutcome.Created),
            result.Stored.Count(s => s.Outcome == WriteOutcome.Updated),
            result.Stored.Count(s => s.Outcome == WriteOutcome.Unchanged),
            file.Skipped,
            result.DeletedIds.Count,
            [.. rejected.Select(r => Rejection(r, file.PositionKind))],
            result.DeletedIds,
            options.DryRun);
    }

    private async Task<ImportFile> ReadAsync(Stream stream, ImportFormat format, CancellationToken cancellationToken)
    {
        switch (format)
        {
            case ImportFormat.Json:
                return await JsonImport.ReadAsync(stream, cancellationToken);
            case ImportFormat.Csv:
                return await CsvImport.ReadAsync(stream, cancellationToken);
            default:
                // YamlDotNet reads synchronously, which ASP.NET Core forbids on a request body: buffer it first
                // (the body is already bounded by Api:MaxRequestBytes).
                using (var buffer = new MemoryStream())
                {
                    await stream.CopyToAsync(buffer, cancellationToken);
                    buffer.Position = 0;
                    // Checked as UTF-8 on the way in (byte order mark dropped), so no other encoding is guessed here.
                    using var reader = new StreamReader(buffer, Encoding.UTF8, detectEncodingFromByteOrderMarks: false);
                    return BackstageImport.Read(reader, new BackstageDefaults(defaults.DefaultTier, defaults.DefaultAvatarUrl, defaults.BackstageBaseUrl));
                }
        }
    }

    private static ImportRejection Rejection(RejectedItem item, ImportPosition kind) => kind switch
    {
        ImportPosition.Line => new ImportRejection(item.Position, null, null, item.Id, item.Errors),
        ImportPosition.Document => new ImportRejection(null, item.Position, null, item.Id, item.Errors),
        _ => new ImportRejection(null, null, item.Position, item.Id, item.Errors),
    };
}
