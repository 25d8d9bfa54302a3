using System.Text.Json;
using System.Text.Json.Nodes;

namespace DevOpsProvider.JiraEmulator;

/// <summary>
/// A POST /bulk body (PROTOCOL.md section 6): 1 to 1000 components under "components" (the seed's name) or
/// "devopsComponents" (Atlassian's current OpenAPI), optional properties and providerMetadata.
/// Problems with the request as a whole are a 400; problems of one component only fail that component.
/// </summary>
internal sealed class BulkSubmission
{
    public const int MaxComponents = 1000;
    public const int MaxProperties = 5;
    public const int MaxPropertyValueLength = 255;

    private static readonly JsonDocumentOptions DocumentOptions = new() { AllowDuplicateProperties = false, MaxDepth = 64 };

    private BulkSubmission(string arrayName, JsonArray components, IReadOnlyDictionary<string, string> properties)
    {
        ArrayName = arrayName;
        Components = components;
        Properties = properties;
    }

    public string ArrayName { get; }

    public JsonArray Components { get; }

    public IReadOnlyDictionary<string, string> Properties { get; }

    /// <summary>The submission, or the 400 message naming what is wrong with the request as a whole.</summary>
    public static (BulkSubmission? Submission, string? Error) Parse(ReadOnlyMemory<byte> body)
    {
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(body.Span, documentOptions: DocumentOptions);
        }
        catch (JsonException ex)
        {
            return (null, "body: is not valid JSON (" + ex.Message + ")");
        }

        if (root is not JsonObject o)
        {
            return (null, "body: must be a JSON object");
        }

        string? arrayName = null;
        Dictionary<string, string> properties = new(StringComparer.Ordinal);
        foreach (var (field, value) in o)
        {
            string? error;
            if (field is "components" or "devopsComponents")
            {
                error = arrayName is null ? null : "body: give either components or devopsComponents, not both";
                arrayName = field;
            }
            else
            {
                error = field switch
                {
                    "properties" => ReadProperties(value, properties),
                    "providerMetadata" => CheckProviderMetadata(value),
                    _ => $"{field}: is not a field of a submission",
                };
            }

            if (error is not null)
            {
                return (null, error);
            }
        }

        if (arrayName is null)
        {
            return (null, "components: is required");
        }

        if (o[arrayName] is not JsonArray array)
        {
            return (null, $"{arrayName}: must be an array of components");
        }

        if (array.Count is 0 or > MaxComponents)
        {
            return (null, $"{arrayName}: must hold 1 to {MaxComponents} components (has {array.Count})");
        }

        return (new BulkSubmission(arrayName, array, properties), null);
    }

    private static string? ReadProperties(JsonNode? value, Dictionary<string, string> into)
    {
        if (value is null)
        {
            return null;
        }

        if (value is not JsonObject properties)
        {
            return "properties: must be an object of string values";
        }

        if (properties.Count > MaxProperties)
        {
            return $"properties: at most {MaxProperties} entries are allowed (has {properties.Count})";
        }

        foreach (var (key, v) in properties)
        {
            var error = PropertyKeyError(key)
                ?? (v is JsonValue jv && jv.GetValueKind() == JsonValueKind.String ? null : "must be a string")
                ?? (v!.GetValue<string>().Length > MaxPropertyValueLength ? $"must be at most {MaxPropertyValueLength} characters" : null);
            if (error is not null)
            {
                return $"properties.{key}: {error}";
            }

            into[key] = v!.GetValue<string>();
        }

        return null;
    }

    /// <summary>Property keys may not contain ':' nor start with '_' (the API page's rule); they become query names.</summary>
    public static string? PropertyKeyError(string key)
        => key.Length == 0 ? "the key must not be empty"
            : key.Contains(':', StringComparison.Ordinal) ? "the key must not contain ':'"
            : key.StartsWith('_') ? "the key must not start with '_'"
            : null;

    private static string? CheckProviderMetadata(JsonNode? value)
    {
        if (value is null)
        {
            return null;
        }

        if (value is not JsonObject metadata)
        {
            return "providerMetadata: must be an object";
        }

        foreach (var (field, v) in metadata)
        {
            if (field != "product")
            {
                return $"providerMetadata.{field}: is not a field of providerMetadata";
            }

            if (v is not null && (v is not JsonValue jv || jv.GetValueKind() != JsonValueKind.String))
            {
                return "providerMetadata.product: must be a string";
            }
        }

        return null;
    }
}
