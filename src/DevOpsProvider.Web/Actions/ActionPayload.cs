using System.Text.Json;
using DevOpsProvider.Web.Catalog;

namespace DevOpsProvider.Web.Actions;

/// <summary>A Jira project or issue a component is linked to (PROTOCOL.md section 7: ati, ari, cloudId, id).</summary>
public sealed record AssociationTarget(string Type, string Id, string? CloudId, string? Ari);

/// <summary>
/// The body of one of the four module actions, read leniently where Jira's shapes vary and strictly where the app
/// needs a value: the entity (component id, url or ari) and the target.
/// </summary>
public sealed record ActionPayload(string? EntityId, string? EntityUrl, AssociationTarget Target, string? UserId)
{
    public const int MaxBodyBytes = 64 * 1024;

    /// <summary>Parses the body; on failure returns null and a reason that names the field.</summary>
    public static (ActionPayload? Payload, string? Error) Parse(ReadOnlySpan<byte> body, string targetProperty, string? userIdFromQuery)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body.ToArray(), new JsonDocumentOptions { MaxDepth = 16 });
        }
        catch (JsonException)
        {
            return (null, "the body is not valid JSON");
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return (null, "the body must be a JSON object");
            }

            if (!root.TryGetProperty("entity", out var entity) || entity.ValueKind != JsonValueKind.Object)
            {
                return (null, "entity: required object is missing");
            }

            var entityId = Text(entity, "id");
            var entityUrl = Text(entity, "url");
            var entityAri = Text(entity, "ari");
            // An ARI names the component after its last '/': ari:cloud:jira:<cloudId>:devops-component/<id>.
            entityId ??= entityAri is { } ari && ari.LastIndexOf('/') is var slash && slash >= 0 && slash < ari.Length - 1 ? ari[(slash + 1)..] : null;
            if (entityId is null && entityUrl is null)
            {
                return (null, "entity: an id, url or ari is required");
            }

            if (!root.TryGetProperty(targetProperty, out var target) || target.ValueKind != JsonValueKind.Object)
            {
                return (null, $"{targetProperty}: required object is missing");
            }

            var type = Text(target, "ati") switch
            {
                "ati:cloud:jira:project" => "project",
                "ati:cloud:jira:issue" => "issue",
                null => null,
                _ => "",
            };
            if (string.IsNullOrEmpty(type))
            {
                return (null, $"{targetProperty}.ati: must be ati:cloud:jira:project or ati:cloud:jira:issue");
            }

            var targetId = Text(target, "id");
            if (targetId is null)
            {
                return (null, $"{targetProperty}.id: required");
            }

            var userId = root.TryGetProperty("user", out var user) && user.ValueKind == JsonValueKind.Object ? Text(user, "id") : null;
            var cloudId = Text(target, "cloudId");
            var targetAri = Text(target, "ari");
            // These are stored as text: a NUL (which PostgreSQL refuses) would fail the whole group commit it joins,
            // other requests' associations with it.
            foreach (var (field, value) in new[] { ("entity.id", entityId), ("entity.url", entityUrl), ($"{targetProperty}.id", targetId),
                ($"{targetProperty}.cloudId", cloudId), ($"{targetProperty}.ari", targetAri), ("user.id", userId) })
            {
                if (value is not null && !ComponentRules.IsPlainText(value))
                {
                    return (null, $"{field}: {ComponentRules.ControlRule} or unpaired surrogates");
                }
            }

            return (new ActionPayload(entityId, entityUrl, new AssociationTarget(type, targetId, cloudId, targetAri), userId ?? userIdFromQuery), null);
        }
    }

    private static string? Text(JsonElement element, string name)
        => element.TryGetProperty(name, out var value) && value.ValueKind is JsonValueKind.String or JsonValueKind.Number
            ? (value.ValueKind == JsonValueKind.String ? StringOf(value) : value.GetRawText()) is { Length: > 0 and <= 2000 } s ? s : null
            : null;

    /// <summary>The string, or "\0" (refused by the text check) when it escapes half a surrogate pair, which .NET cannot unescape.</summary>
    private static string StringOf(JsonElement value)
    {
        try
        {
            return value.GetString()!;
        }
        catch (InvalidOperationException)
        {
            return "\0";
        }
    }
}
