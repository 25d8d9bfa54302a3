using System.Text.Json.Nodes;
using DevOpsProvider.Connect;

namespace DevOpsProvider.JiraEmulator;

/// <summary>What the emulator keeps of an installed app's descriptor.</summary>
internal sealed record AppDescriptor(
    string Key,
    string Name,
    string BaseUrl,
    IReadOnlyDictionary<string, string> Lifecycle,
    IReadOnlySet<string> Scopes,
    string ModuleKey,
    IReadOnlyDictionary<string, string> Actions)
{
    /// <summary>The path of the app's baseUrl without a trailing slash: stripped before the qsh of calls to the app.</summary>
    public string BasePath => new Uri(BaseUrl).AbsolutePath.TrimEnd('/');

    /// <summary>Checks a descriptor as Jira's "upload app" does; throws <see cref="EmulatorInstallException"/> naming the field.</summary>
    public static AppDescriptor Parse(JsonObject d)
    {
        var key = RequireString(d, "key");
        Require(DescriptorRules.AppKey().IsMatch(key), "key: must be 1 to 64 letters, digits, '-', '.' or '_'");
        var name = RequireString(d, "name");
        var baseUrl = RequireString(d, "baseUrl").TrimEnd('/');
        Require(Uri.TryCreate(baseUrl, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https",
            "baseUrl: must be an absolute http(s) URL");
        Require(string.Equals((string?)Value(d["authentication"], "type"), "jwt", StringComparison.OrdinalIgnoreCase),
            "authentication.type: must be \"jwt\"");
        Require(d["apiMigrations"]?["signed-install"] is JsonValue v && v.TryGetValue<bool>(out var signed) && signed,
            "apiMigrations.signed-install: must be true (Jira signs install callbacks with RS256)");

        var lifecycle = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var evt in DescriptorRules.LifecycleNames)
        {
            var path = Value(d["lifecycle"], evt);
            if (path is null)
            {
                continue;
            }

            Require(path.StartsWith('/'), $"lifecycle.{evt}: must be a path relative to baseUrl, starting with '/'");
            lifecycle[evt] = path;
        }

        Require(lifecycle.ContainsKey("installed"), "lifecycle.installed: is required");

        var module = d["modules"]?[DescriptorRules.ModuleName] as JsonObject;
        Require(module is not null, $"modules.{DescriptorRules.ModuleName}: is required");
        var prefix = $"modules.{DescriptorRules.ModuleName}.";
        var moduleKey = RequireString(module!, "key", prefix);
        Require(DescriptorRules.ModuleKey().IsMatch(moduleKey), prefix + "key: must match ^[a-zA-Z0-9-]+$ and be at most 100 characters");
        Require(!string.IsNullOrWhiteSpace(Value(module!["name"], "value")), prefix + "name.value: is required");
        RequireString(module!, "homeUrl", prefix);
        var actions = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var action in DescriptorRules.ActionNames)
        {
            var template = Value(module!["actions"]?[action], "templateUrl");
            Require(!string.IsNullOrWhiteSpace(template), $"{prefix}actions.{action}.templateUrl: is required");
            actions[action] = template!;
        }

        return new AppDescriptor(key, name, baseUrl, lifecycle, GrantedScopes(d["scopes"]), moduleKey, actions);
    }

    /// <summary>The declared scopes with the ones they imply (Atlassian's "Scopes for Connect apps"); names in either case.</summary>
    private static HashSet<string> GrantedScopes(JsonNode? node)
    {
        var granted = new HashSet<string>(StringComparer.Ordinal);
        if (node is null)
        {
            return granted;
        }

        Require(node is JsonArray, "scopes: must be an array of scope names");
        foreach (var item in node.AsArray())
        {
            var scope = (item as JsonValue)?.TryGetValue<string>(out var s) == true ? s : null;
            Require(scope is not null && (!scope.Any(char.IsLower) || !scope.Any(char.IsUpper)),
                "scopes: each scope is a name in upper or lower case");
            string[] implied = scope!.ToUpperInvariant() switch
            {
                "READ" => ["READ"],
                "WRITE" => ["WRITE", "READ"],
                "DELETE" => ["DELETE", "WRITE", "READ"],
                "PROJECT_ADMIN" or "ADMIN" => ["DELETE", "WRITE", "READ"],
                "ACT_AS_USER" or "ACCESS_EMAIL_ADDRESSES" or "NONE" => [],
                _ => throw Refused($"scopes: '{scope}' is not a Connect scope"),
            };
            granted.UnionWith(implied);
        }

        return granted;
    }

    private static string? Value(JsonNode? parent, string name)
        => parent is JsonObject o && o[name] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    private static string RequireString(JsonObject parent, string name, string prefix = "")
    {
        var value = Value(parent, name);
        Require(!string.IsNullOrWhiteSpace(value), $"{prefix}{name}: is required");
        return value!;
    }

    private static void Require(bool condition, string reason)
    {
        if (!condition)
        {
            throw Refused(reason);
        }
    }

    private static EmulatorInstallException Refused(string reason) => new("the descriptor is invalid: " + reason, 0, "");
}
