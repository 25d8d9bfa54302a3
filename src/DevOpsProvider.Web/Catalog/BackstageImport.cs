using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace DevOpsProvider.Web.Catalog;

/// <summary>What a Backstage entity lacks is filled in from configuration.</summary>
public sealed record BackstageDefaults(string Tier, string AvatarUrl, string? BaseUrl);

/// <summary>
/// A Backstage catalog-info.yaml: several YAML documents, of which kind: Component become components and every other
/// kind is counted as skipped. Mapping rules: issue 4 (entity reference as id, spec.type to componentType, annotations).
/// </summary>
public static class BackstageImport
{
    public const string TierAnnotation = "jira.atlassian.com/tier";
    public const string AvatarAnnotation = "jira.atlassian.com/avatar-url";
    public const string ScopeAnnotation = "jira.atlassian.com/scope";
    public const string ViewUrlAnnotation = "backstage.io/view-url";

    private static readonly Dictionary<string, string> Types = new(StringComparer.OrdinalIgnoreCase)
    {
        ["service"] = "Service",
        ["website"] = "Website",
        ["library"] = "Library",
        ["application"] = "Application",
        ["app"] = "Application",
        ["data-pipeline"] = "Data pipeline",
        ["ml-model"] = "Machine learning model",
        ["ui-element"] = "UI element",
        ["capability"] = "Capability",
        ["resource"] = "Cloud resource",
        ["cloud-resource"] = "Cloud resource",
    };

    public static ImportFile Read(TextReader text, BackstageDefaults defaults)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new GuardedParser(new Parser(text)));
        }
        catch (YamlException e)
        {
            throw new ImportFileException($"the YAML cannot be read (line {e.Start.Line}): {e.Message}");
        }

        var items = new List<PositionedInput>();
        var skipped = 0;
        for (var i = 0; i < stream.Documents.Count; i++)
        {
            var root = stream.Documents[i].RootNode as YamlMappingNode;
            if (root is null || root.Children.Count == 0)
            {
                // An empty document (a leading or trailing '---') holds no entity at all.
                continue;
            }

            if (!string.Equals(Scalar(root, "kind"), "Component", StringComparison.OrdinalIgnoreCase))
            {
                skipped++;
                continue;
            }

            items.Add(new PositionedInput(i + 1, ToInput(root, defaults)));
        }

        return new ImportFile(items, skipped, ImportPosition.Document);
    }

    private static ComponentInput ToInput(YamlMappingNode entity, BackstageDefaults defaults)
    {
        var metadata = Child(entity, "metadata") as YamlMappingNode;
        var annotations = metadata is null ? null : Child(metadata, "annotations") as YamlMappingNode;
        var spec = Child(entity, "spec") as YamlMappingNode;
        var input = new ComponentInput();
        var name = metadata is null ? null : Scalar(metadata, "name");
        var ns = (metadata is null ? null : Scalar(metadata, "namespace")) ?? "default";
        if (string.IsNullOrWhiteSpace(name))
        {
            input.ReadErrors.Add(new FieldError("metadata.name", ComponentRules.Required));
            return input;
        }

        input.Id = $"component:{ns}/{name}";
        input.Name = Scalar(metadata!, "title") ?? name;
        input.Description = Scalar(metadata!, "description") ?? input.Name;
        var type = spec is null ? null : Scalar(spec, "type");
        input.ComponentType = type is not null && Types.TryGetValue(type.Trim(), out var mapped) ? mapped : "Other";
        input.Tier = Tier(Annotation(annotations, TierAnnotation)) ?? defaults.Tier;
        input.Url = Annotation(annotations, ViewUrlAnnotation)
            ?? FirstLink(metadata!)
            ?? (defaults.BaseUrl is null ? null : $"{defaults.BaseUrl}/catalog/{Uri.EscapeDataString(ns)}/component/{Uri.EscapeDataString(name)}");
        input.AvatarUrl = Annotation(annotations, AvatarAnnotation) ?? defaults.AvatarUrl;
        input.Scope = Annotation(annotations, ScopeAnnotation);
        return input;
    }

    /// <summary>"1" to "4" become "Tier N"; "Tier N" (any case) is kept; anything else is passed on for validation to report.</summary>
    private static string? Tier(string? value)
    {
        var text = value?.Trim();
        if (text is null)
        {
            return null;
        }

        if (text.Length == 1 && text[0] is >= '1' and <= '4')
        {
            return "Tier " + text;
        }

        return ComponentRules.Tiers.FirstOrDefault(t => string.Equals(t, text, StringComparison.OrdinalIgnoreCase)) ?? text;
    }

    private static string? FirstLink(YamlMappingNode metadata)
        => (Child(metadata, "links") as YamlSequenceNode)?.Children.OfType<YamlMappingNode>()
            .Select(link => Scalar(link, "url"))
            .FirstOrDefault(url => !string.IsNullOrWhiteSpace(url));

    private static string? Annotation(YamlMappingNode? annotations, string key) => annotations is null ? null : Scalar(annotations, key);

    private static YamlNode? Child(YamlMappingNode node, string key)
        => node.Children.TryGetValue(new YamlScalarNode(key), out var child) ? child : null;

    private static string? Scalar(YamlMappingNode node, string key)
        => Child(node, key) is YamlScalarNode { Value: { Length: > 0 } value } ? value : null;
}
