using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace DevOpsProvider.JiraEmulator;

/// <summary>
/// The component schema of PROTOCOL.md section 6, rule by rule. Each broken rule is one message "field: rule",
/// and a component with any message is not stored.
/// </summary>
internal static partial class ComponentRules
{
    public const int MaxIdLength = 255;

    public static readonly string[] Tiers = ["Tier 1", "Tier 2", "Tier 3", "Tier 4"];

    public static readonly string[] ComponentTypes =
        ["Service", "Application", "Library", "Capability", "Cloud resource", "Data pipeline", "Machine learning model", "UI element", "Website", "Other"];

    private static readonly string[] Required =
        ["schemaVersion", "id", "updateSequenceNumber", "name", "description", "url", "avatarUrl", "tier", "componentType", "lastUpdated"];

    /// <summary>The id to report a component under: its own when usable, else null (the caller uses its index).</summary>
    public static string? UsableId(JsonNode? component)
        => component is JsonObject o && o["id"] is JsonValue v && v.TryGetValue<string>(out var id)
           && id.Length is > 0 and <= MaxIdLength ? id : null;

    /// <summary>Every rule the component breaks; empty when it is valid.</summary>
    public static List<string> Check(JsonNode? node)
    {
        var errors = new List<string>();
        if (node is not JsonObject component)
        {
            errors.Add("component: must be a JSON object");
            return errors;
        }

        foreach (var (field, value) in component)
        {
            var error = field switch
            {
                "schemaVersion" => AsString(value) is { } s ? (s == "1.0" ? null : "must be \"1.0\"") : NotAString(value),
                "id" => Text(value, MaxIdLength),
                "updateSequenceNumber" => value is JsonValue v && v.GetValueKind() == JsonValueKind.Number && v.TryGetValue<long>(out _)
                    ? null : "must be an integer (int64)",
                "name" => Text(value, 255),
                "providerName" => value is null ? null : Text(value, 255),
                "description" => Text(value, 5000),
                "url" or "avatarUrl" => Url(value),
                "tier" => OneOf(value, Tiers),
                "componentType" => OneOf(value, ComponentTypes),
                "lastUpdated" => DateTime(value),
                _ => "is not a field of a DevOps component",
            };
            if (error is not null)
            {
                errors.Add($"{field}: {error}");
            }
        }

        foreach (var field in Required)
        {
            if (!component.ContainsKey(field))
            {
                errors.Add($"{field}: is required");
            }
        }

        return errors;
    }

    private static string? AsString(JsonNode? value)
        => value is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;

    private static string NotAString(JsonNode? value) => value is null ? "is required (null given)" : "must be a string";

    private static string? Text(JsonNode? value, int maxLength) => AsString(value) switch
    {
        null => NotAString(value),
        { Length: 0 } => "must not be empty",
        { } s when s.Length > maxLength => $"must be at most {maxLength} characters (has {s.Length})",
        _ => null,
    };

    private static string? Url(JsonNode? value) => AsString(value) switch
    {
        null => NotAString(value),
        { } s when s.Length > 2000 => $"must be at most 2000 characters (has {s.Length})",
        { } s when !Uri.TryCreate(s, UriKind.Absolute, out var uri) || uri.IsFile || s.StartsWith('/') => "must be an absolute URI",
        _ => null,
    };

    private static string? OneOf(JsonNode? value, string[] allowed) => AsString(value) switch
    {
        null => NotAString(value),
        { } s when !allowed.Contains(s, StringComparer.Ordinal) => "must be one of " + string.Join(", ", allowed.Select(a => $"\"{a}\"")),
        _ => null,
    };

    private static string? DateTime(JsonNode? value) => AsString(value) switch
    {
        null => NotAString(value),
        { } s when !Rfc3339().IsMatch(s) || !DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.None, out _)
            => "must be an RFC 3339 date-time such as 2018-01-20T23:27:25.000Z",
        _ => null,
    };

    /// <summary>RFC 3339 section 5.6 date-time: full date, 'T', time with optional fraction, and a required offset.</summary>
    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$", RegexOptions.CultureInvariant)]
    private static partial Regex Rfc3339();
}
