using System.Globalization;
using System.Text.RegularExpressions;

namespace DevOpsProvider.Web.Catalog;

/// <summary>What the catalog fills in when a provider leaves a field out.</summary>
public sealed record ComponentDefaults(string? ProviderName, DateTime Now);

/// <summary>A validated component, or the rules it broke (never both).</summary>
public sealed record ComponentValidation(CatalogComponent? Component, IReadOnlyList<FieldError> Errors)
{
    public bool IsValid => Component is not null;
}

/// <summary>
/// The Component rules of the DevOps Components API (PROTOCOL.md section 6), so that what the catalog accepts is what
/// Jira accepts. Shared by the API, the imports and the dashboard.
/// </summary>
public static partial class ComponentRules
{
    public const string DefaultScope = "default";
    public const string SchemaVersion = "1.0";
    public const int MaxIdLength = 255;
    public const int MaxNameLength = 255;
    public const int MaxProviderNameLength = 255;
    public const int MaxDescriptionLength = 5000;
    public const int MaxUrlLength = 2000;

    public static readonly string[] Tiers = ["Tier 1", "Tier 2", "Tier 3", "Tier 4"];

    public static readonly string[] ComponentTypes =
        ["Service", "Application", "Library", "Capability", "Cloud resource", "Data pipeline", "Machine learning model", "UI element", "Website", "Other"];

    public const string Required = "is required";
    public const string UrlRule = "must be an absolute http or https URL";
    public const string DateTimeRule = "must be an RFC 3339 date-time such as 2018-01-20T23:27:25.000Z";
    public const string ScopeRule = "must be 1 to 64 letters, digits, '-', '_' or '.', starting with a letter or digit";
    public static readonly string TierRule = "must be one of " + string.Join(", ", Tiers);
    public static readonly string ComponentTypeRule = "must be one of " + string.Join(", ", ComponentTypes);

    public const string ControlRule = "must not contain control characters";
    public const string TextControlRule = "must not contain control characters other than tab, line feed and carriage return";
    public const string UnicodeRule = "must be valid Unicode text (no unpaired surrogate)";

    public static string MaxLengthRule(int max) => $"must be at most {max} characters";

    public static ComponentValidation Validate(ComponentInput input, ComponentDefaults defaults)
    {
        var errors = new List<FieldError>(input.ReadErrors);
        if (input.SchemaVersion is not null && input.SchemaVersion != SchemaVersion)
        {
            errors.Add(new FieldError("schemaVersion", $"must be \"{SchemaVersion}\""));
        }

        var id = Text(input.Id, "id", MaxIdLength, required: true, errors);
        var name = Text(input.Name, "name", MaxNameLength, required: true, errors, multiline: true);
        var providerName = Text(input.ProviderName, "providerName", MaxProviderNameLength, required: false, errors, multiline: true) ?? defaults.ProviderName;
        var description = Text(input.Description, "description", MaxDescriptionLength, required: true, errors, multiline: true);
        var url = AbsoluteUrl(input.Url, "url", errors);
        var avatarUrl = AbsoluteUrl(input.AvatarUrl, "avatarUrl", errors);
        var tier = OneOf(input.Tier, "tier", Tiers, TierRule, errors);
        var componentType = OneOf(input.ComponentType, "componentType", ComponentTypes, ComponentTypeRule, errors);
        var scope = string.IsNullOrEmpty(input.Scope) ? DefaultScope : input.Scope;
        if (!IsScope(scope))
        {
            errors.Add(new FieldError("scope", ScopeRule));
        }

        DateTime? lastUpdated = null;
        if (!string.IsNullOrWhiteSpace(input.LastUpdated))
        {
            lastUpdated = ParseDateTime(input.LastUpdated);
            if (lastUpdated is null)
            {
                errors.Add(new FieldError("lastUpdated", DateTimeRule));
            }
        }

        if (errors.Count > 0)
        {
            return new ComponentValidation(null, errors);
        }

        return new ComponentValidation(new CatalogComponent
        {
            Id = id!,
            Scope = scope,
            Name = name!,
            ProviderName = providerName,
            Description = description!,
            Url = url!,
            AvatarUrl = avatarUrl!,
            Tier = tier!,
            ComponentType = componentType!,
            LastUpdated = lastUpdated ?? TruncateToMilliseconds(defaults.Now),
            LastUpdatedIsDefault = lastUpdated is null,
        }, errors);
    }

    /// <summary>A scope is a short name: it appears in settings, URLs and the dashboard.</summary>
    public static bool IsScope(string? scope) => scope is not null && ScopePattern().IsMatch(scope);

    /// <summary>RFC 3339 section 5.6 date-time (T/Z in either case, optional fraction, Z or a numeric offset), as UTC to the millisecond.</summary>
    public static DateTime? ParseDateTime(string text)
    {
        if (!DateTimePattern().IsMatch(text)
            || !DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed))
        {
            return null;
        }

        return TruncateToMilliseconds(parsed.UtcDateTime);
    }

    public static DateTime TruncateToMilliseconds(DateTime value)
        => DateTime.SpecifyKind(new DateTime(value.Ticks - (value.Ticks % TimeSpan.TicksPerMillisecond)), DateTimeKind.Utc);

    /// <summary>
    /// True when <paramref name="text"/> has no control character and no unpaired surrogate: what an id must be
    /// (PostgreSQL refuses NUL in text, and a lone surrogate cannot be encoded as UTF-8 at all).
    /// </summary>
    public static bool IsPlainText(string text) => ForbiddenCharacter(text, multiline: false) is null;

    /// <param name="multiline">Free text (names, descriptions) may hold tabs and line breaks; ids and URLs may not.</param>
    private static string? Text(string? value, string field, int max, bool required, List<FieldError> errors, bool multiline = false)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            if (required)
            {
                errors.Add(new FieldError(field, Required));
            }

            return null;
        }

        if (value.Length > max)
        {
            errors.Add(new FieldError(field, MaxLengthRule(max)));
        }

        if (ForbiddenCharacter(value, multiline) is { } rule)
        {
            errors.Add(new FieldError(field, rule));
        }

        return value;
    }

    /// <summary>The rule the first forbidden character breaks, naming it and its position; null when there is none.</summary>
    private static string? ForbiddenCharacter(string text, bool multiline)
    {
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
                continue;
            }

            if (char.IsSurrogate(c))
            {
                return $"{UnicodeRule}: U+{(int)c:X4} at character {i + 1}";
            }

            if (char.IsControl(c) && !(multiline && c is '\t' or '\n' or '\r'))
            {
                return $"{(multiline ? TextControlRule : ControlRule)}: U+{(int)c:X4} at character {i + 1}";
            }
        }

        return null;
    }

    private static string? AbsoluteUrl(string? value, string field, List<FieldError> errors)
    {
        var text = Text(value, field, MaxUrlLength, required: true, errors);
        if (text is null || text.Length > MaxUrlLength)
        {
            return null;
        }

        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri)
            || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)
            || string.IsNullOrEmpty(uri.Host)
            || text.Any(char.IsWhiteSpace))
        {
            errors.Add(new FieldError(field, UrlRule));
            return null;
        }

        return text;
    }

    private static string? OneOf(string? value, string field, string[] allowed, string rule, List<FieldError> errors)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            errors.Add(new FieldError(field, Required));
            return null;
        }

        // Exact match: Jira compares the enum values as written.
        if (!allowed.Contains(value, StringComparer.Ordinal))
        {
            errors.Add(new FieldError(field, rule));
            return null;
        }

        return value;
    }

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")]
    private static partial Regex ScopePattern();

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d{1,9})?([Zz]|[+-]\d{2}:\d{2})$")]
    private static partial Regex DateTimePattern();
}
