using System.Text.Json.Nodes;

namespace DevOpsProvider.JiraEmulator;

/// <summary>A component as the site stores it: Jira's fields, the submission's properties, and its sequence number.</summary>
public sealed record StoredComponent(JsonObject Component, IReadOnlyDictionary<string, string> Properties, long UpdateSequenceNumber)
{
    /// <summary>The component's id, read once: sorting and matching by it must not decode JSON again.</summary>
    public string Id { get; } = (string)Component["id"]!;
}
