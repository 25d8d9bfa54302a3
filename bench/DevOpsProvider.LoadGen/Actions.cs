using System.Text.Json.Nodes;
using DevOpsProvider.Connect;

namespace DevOpsProvider.LoadGen;

/// <summary>The onEntityAssociated call of PROTOCOL.md section 7, signed once for the whole run.</summary>
public static class Actions
{
    public const string Path = "/actions/on-entity-associated";

    /// <summary>
    /// One token serves every request: the qsh covers only method and path (no query), and the token lives an hour,
    /// which both apps accept (the app checks exp with leeway; ACE checks exp only).
    /// </summary>
    public static string Token(string clientKey, string sharedSecret)
        => ConnectJwt.Create(clientKey, sharedSecret, QueryStringHash.Compute("PUT", Path, "", ""), DateTimeOffset.UtcNow,
            TimeSpan.FromHours(1), new Dictionary<string, string> { ["sub"] = "557058:bench-user" });

    /// <summary>Authenticated, then refused by the body check (400, "entity: required object is missing"): no database work.</summary>
    public const string RefusedBody = """{"associatedWith":{"ati":"ati:cloud:jira:issue","id":"10001"}}""";

    /// <summary>Distinct notifications (component x issue), so the app's association writes are not all one row.</summary>
    public static IReadOnlyList<string> Bodies(string cloudId, int count = 1000)
        => [.. Enumerable.Range(0, count).Select(i =>
        {
            var componentId = $"component:default/service-{i % 50:D3}";
            var issueId = (10_000 + i).ToString(System.Globalization.CultureInfo.InvariantCulture);
            return new JsonObject
            {
                ["entity"] = new JsonObject
                {
                    ["ari"] = $"ari:cloud:jira:{cloudId}:devops-component/{Uri.EscapeDataString(componentId)}",
                    ["id"] = componentId,
                },
                ["associatedWith"] = new JsonObject
                {
                    ["ati"] = "ati:cloud:jira:issue",
                    ["ari"] = $"ari:cloud:jira:{cloudId}:issue/{issueId}",
                    ["cloudId"] = cloudId,
                    ["id"] = issueId,
                },
                ["user"] = new JsonObject { ["id"] = "557058:bench-user" },
            }.ToJsonString();
        })];
}
