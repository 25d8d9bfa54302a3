using System.Text.Json;
using System.Text.Json.Serialization;

namespace DevOpsProvider.Web.Catalog;

/// <summary>
/// A component as a provider sends it (API body, JSON/CSV/Backstage import), before validation. Every field is text
/// as received; <see cref="ComponentRules"/> decides what is valid. Also the request schema in the OpenAPI document.
/// </summary>
public sealed class ComponentInput
{
    public string? SchemaVersion { get; set; }

    public string? Id { get; set; }

    public string? Name { get; set; }

    public string? ProviderName { get; set; }

    public string? Description { get; set; }

    public string? Url { get; set; }

    public string? AvatarUrl { get; set; }

    public string? Tier { get; set; }

    public string? ComponentType { get; set; }

    public string? LastUpdated { get; set; }

    public string? Scope { get; set; }

    /// <summary>Problems found while reading the item (wrong JSON type, unknown field), reported with the rule errors.</summary>
    [JsonIgnore]
    public List<FieldError> ReadErrors { get; } = [];

    // Server-assigned fields a client may echo back from a GET; they are ignored rather than refused.
    private static readonly HashSet<string> IgnoredFields = ["version", "updateSequenceNumber", "deletedAt"];

    /// <summary>Reads one JSON object; anything but a string (or null) in a field is a read error naming the field.</summary>
    public static ComponentInput FromJson(JsonElement element)
    {
        var input = new ComponentInput();
        if (element.ValueKind != JsonValueKind.Object)
        {
            input.ReadErrors.Add(new FieldError("(component)", "must be a JSON object"));
            return input;
        }

        foreach (var property in element.EnumerateObject())
        {
            // JSON may escape half a surrogate pair ("\ud800"), which no UTF-16 string or UTF-8 column can hold:
            // System.Text.Json refuses to unescape it, and that is reported as the field's error, not a crash.
            if (PropertyName(property) is not { } field)
            {
                input.ReadErrors.Add(new FieldError("(field name)", ComponentRules.UnicodeRule));
                continue;
            }

            if (IgnoredFields.Contains(field))
            {
                continue;
            }

            string? value = null;
            if (property.Value.ValueKind == JsonValueKind.String)
            {
                if (!TryGetString(property.Value, out value))
                {
                    input.ReadErrors.Add(new FieldError(field, ComponentRules.UnicodeRule));
                    continue;
                }
            }
            else if (property.Value.ValueKind != JsonValueKind.Null)
            {
                input.ReadErrors.Add(new FieldError(field, "must be a string"));
                continue;
            }

            if (!input.Set(field, value))
            {
                input.ReadErrors.Add(new FieldError(field, "is not a component field"));
            }
        }

        return input;
    }

    private static string? PropertyName(JsonProperty property)
    {
        try
        {
            return property.Name;
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }

    private static bool TryGetString(JsonElement element, out string? text)
    {
        try
        {
            text = element.GetString();
            return true;
        }
        catch (InvalidOperationException)
        {
            text = null;
            return false;
        }
    }

    /// <summary>Sets a field by its JSON name (exact case); false when there is no such field.</summary>
    public bool Set(string field, string? value)
    {
        switch (field)
        {
            case "schemaVersion": SchemaVersion = value; break;
            case "id": Id = value; break;
            case "name": Name = value; break;
            case "providerName": ProviderName = value; break;
            case "description": Description = value; break;
            case "url": Url = value; break;
            case "avatarUrl": AvatarUrl = value; break;
            case "tier": Tier = value; break;
            case "componentType": ComponentType = value; break;
            case "lastUpdated": LastUpdated = value; break;
            case "scope": Scope = value; break;
            default: return false;
        }

        return true;
    }

    /// <summary>The field names <see cref="Set"/> knows (CSV headers).</summary>
    public static readonly string[] FieldNames =
        ["schemaVersion", "id", "name", "providerName", "description", "url", "avatarUrl", "tier", "componentType", "lastUpdated", "scope"];
}
