using System.Globalization;
using System.Text.Json;

namespace DevOpsProvider.Web.Sync;

/// <summary>A catalog component as the planner streams it: the seed's fields plus scope and version.</summary>
public sealed class SyncComponent
{
    public required string Id { get; init; }

    public required string Scope { get; init; }

    public required string Name { get; init; }

    public string? ProviderName { get; init; }

    public required string Description { get; init; }

    public required string Url { get; init; }

    public required string AvatarUrl { get; init; }

    public required string Tier { get; init; }

    public required string ComponentType { get; init; }

    public DateTime LastUpdated { get; init; }

    public long Version { get; init; }

    /// <summary>Writes the component as the API's Component object (PROTOCOL.md section 6); version is the updateSequenceNumber.</summary>
    public void WriteTo(Utf8JsonWriter writer)
    {
        writer.WriteStartObject();
        writer.WriteString("schemaVersion", "1.0");
        writer.WriteString("id", Id);
        writer.WriteNumber("updateSequenceNumber", Version);
        writer.WriteString("name", Name);
        if (ProviderName is not null)
        {
            writer.WriteString("providerName", ProviderName);
        }

        writer.WriteString("description", Description);
        writer.WriteString("url", Url);
        writer.WriteString("avatarUrl", AvatarUrl);
        writer.WriteString("tier", Tier);
        writer.WriteString("componentType", ComponentType);
        writer.WriteString("lastUpdated", DateTime.SpecifyKind(LastUpdated, DateTimeKind.Utc).ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture));
        writer.WriteEndObject();
    }
}
