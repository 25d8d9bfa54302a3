using System.Text.Json.Nodes;

namespace DevOpsProvider.JiraEmulator;

/// <summary>A component as the site stores it: Jira's fields, the submission's properties, and its sequence number.</summary>
public sealed record StoredComponent(JsonObject Component, IReadOnlyDictionary<string, string> Properties, long UpdateSequenceNumber)
{
    public string Id => (string)Component["id"]!;
}
