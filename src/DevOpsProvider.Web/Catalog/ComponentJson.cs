using System.Text.Json;

namespace DevOpsProvider.Web.Catalog;

/// <summary>
/// Writes a component as the seed's Component JSON (the shape Jira's bulk endpoint takes). Sync streams request
/// bodies of 1000 components with it, so it writes straight to a Utf8JsonWriter with pre-encoded property names.
/// </summary>
public static class ComponentJson
{
    private static readonly JsonEncodedText SchemaVersion = JsonEncodedText.Encode("schemaVersion");
    private static readonly JsonEncodedText SchemaVersionValue = JsonEncodedText.Encode(ComponentRules.SchemaVersion);
    private static readonly JsonEncodedText Id = JsonEncodedText.Encode("id");
    private static readonly JsonEncodedText UpdateSequenceNumber = JsonEncodedText.Encode("updateSequenceNumber");
    private static readonly JsonEncodedText Name = JsonEncodedText.Encode("name");
    private static readonly JsonEncodedText ProviderName = JsonEncodedText.Encode("providerName");
    private static readonly JsonEncodedText Description = JsonEncodedText.Encode("description");
    private static readonly JsonEncodedText Url = JsonEncodedText.Encode("url");
    private static readonly JsonEncodedText AvatarUrl = JsonEncodedText.Encode("avatarUrl");
    private static readonly JsonEncodedText Tier = JsonEncodedText.Encode("tier");
    private static readonly JsonEncodedText ComponentType = JsonEncodedText.Encode("componentType");
    private static readonly JsonEncodedText LastUpdated = JsonEncodedText.Encode("lastUpdated");
    private static readonly JsonEncodedText Scope = JsonEncodedText.Encode("scope");
    private static readonly JsonEncodedText Version = JsonEncodedText.Encode("version");

    /// <summary>The seed's Component object: exactly the fields Jira allows (no others are allowed).</summary>
    public static void Write(Utf8JsonWriter writer, CatalogComponent component)
    {
        writer.WriteStartObject();
        WriteFields(writer, component);
        writer.WriteEndObject();
    }

    /// <summary>The API's view: the Component fields plus the catalog's own scope and version.</summary>
    public static void WriteWithCatalogFields(Utf8JsonWriter writer, CatalogComponent component)
    {
        writer.WriteStartObject();
        WriteFields(writer, component);
        writer.WriteString(Scope, component.Scope);
        writer.WriteNumber(Version, component.Version);
        writer.WriteEndObject();
    }

    /// <summary>RFC 3339 UTC with milliseconds, as in the seed: 2018-01-20T23:27:25.000Z.</summary>
    public static string FormatDateTime(DateTime value)
        => DateTime.SpecifyKind(value, DateTimeKind.Utc).ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture);

    private static void WriteFields(Utf8JsonWriter writer, CatalogComponent component)
    {
        writer.WriteString(SchemaVersion, SchemaVersionValue);
        writer.WriteString(Id, component.Id);
        writer.WriteNumber(UpdateSequenceNumber, component.Version);
        writer.WriteString(Name, component.Name);
        if (component.ProviderName is not null)
        {
            writer.WriteString(ProviderName, component.ProviderName);
        }

        writer.WriteString(Description, component.Description);
        writer.WriteString(Url, component.Url);
        writer.WriteString(AvatarUrl, component.AvatarUrl);
        writer.WriteString(Tier, component.Tier);
        writer.WriteString(ComponentType, component.ComponentType);
        Span<char> date = stackalloc char[24];
        var utc = DateTime.SpecifyKind(component.LastUpdated, DateTimeKind.Utc);
        if (!utc.TryFormat(date, out var written, "yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture))
        {
            throw new InvalidOperationException("lastUpdated did not fit its RFC 3339 form.");
        }

        writer.WriteString(LastUpdated, date[..written]);
    }
}
