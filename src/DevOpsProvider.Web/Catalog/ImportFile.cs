namespace DevOpsProvider.Web.Catalog;

public enum ImportFormat
{
    Json,
    Csv,
    Backstage,
}

/// <summary>How a format numbers its items in the report: JSON by item (1-based), CSV by line, Backstage by YAML document.</summary>
public enum ImportPosition
{
    Item,
    Line,
    Document,
}

/// <summary>The items read from one file, and how many entries it held that are not components (other Backstage kinds).</summary>
public sealed record ImportFile(IReadOnlyList<PositionedInput> Items, int Skipped, ImportPosition PositionKind);

/// <summary>The file cannot be read at all (not JSON, broken CSV quoting, invalid YAML): the whole import is refused with this reason.</summary>
public sealed class ImportFileException(string message) : Exception(message);

public static class ImportFormats
{
    public static bool TryParse(string? text, out ImportFormat format)
    {
        switch (text?.Trim().ToUpperInvariant())
        {
            case "JSON": format = ImportFormat.Json; return true;
            case "CSV": format = ImportFormat.Csv; return true;
            case "BACKSTAGE" or "YAML": format = ImportFormat.Backstage; return true;
            default: format = default; return false;
        }
    }

    /// <summary>The format a media type (Content-Type) stands for.</summary>
    public static ImportFormat? FromMediaType(string? mediaType)
    {
        var type = mediaType?.Split(';')[0].Trim().ToUpperInvariant();
        return type switch
        {
            "APPLICATION/JSON" or "TEXT/JSON" => ImportFormat.Json,
            "TEXT/CSV" or "APPLICATION/CSV" => ImportFormat.Csv,
            "APPLICATION/YAML" or "APPLICATION/X-YAML" or "TEXT/YAML" or "TEXT/X-YAML" => ImportFormat.Backstage,
            _ => null,
        };
    }

    /// <summary>The format a file name's extension stands for (multipart uploads often say application/octet-stream).</summary>
    public static ImportFormat? FromFileName(string? fileName)
        => Path.GetExtension(fileName ?? "").ToUpperInvariant() switch
        {
            ".JSON" => ImportFormat.Json,
            ".CSV" => ImportFormat.Csv,
            ".YAML" or ".YML" => ImportFormat.Backstage,
            _ => null,
        };
}
