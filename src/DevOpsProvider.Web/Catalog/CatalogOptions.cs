using DevOpsProvider.Web.Connect;
using Microsoft.Extensions.Options;

namespace DevOpsProvider.Web.Catalog;

public sealed class CatalogOptions
{
    public const string Section = "Catalog";

    /// <summary>providerName of components that do not name one (Catalog:DefaultProviderName); none when empty.</summary>
    public string? DefaultProviderName { get; set; }

    /// <summary>Tier of Backstage components without the jira.atlassian.com/tier annotation (Catalog:DefaultTier).</summary>
    public string DefaultTier { get; set; } = "Tier 4";

    /// <summary>The Backstage instance whose entity pages become component URLs when an entity has no link (Catalog:BackstageBaseUrl).</summary>
    public string? BackstageBaseUrl { get; set; }

    /// <summary>avatarUrl of Backstage components without an avatar annotation (Catalog:DefaultAvatarUrl); default: the app's logo.</summary>
    public string? DefaultAvatarUrl { get; set; }

    public static string? Check(CatalogOptions o)
    {
        if (!ComponentRules.Tiers.Contains(o.DefaultTier, StringComparer.Ordinal))
        {
            return $"Catalog:DefaultTier {ComponentRules.TierRule}.";
        }

        if (o.DefaultProviderName?.Length > ComponentRules.MaxProviderNameLength)
        {
            return $"Catalog:DefaultProviderName {ComponentRules.MaxLengthRule(ComponentRules.MaxProviderNameLength)}.";
        }

        foreach (var (key, value) in new[] { ("BackstageBaseUrl", o.BackstageBaseUrl), ("DefaultAvatarUrl", o.DefaultAvatarUrl) })
        {
            if (!string.IsNullOrWhiteSpace(value) && !(Uri.TryCreate(value, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"))
            {
                return $"Catalog:{key} {ComponentRules.UrlRule}.";
            }
        }

        return null;
    }
}

/// <summary>The catalog's defaults as they apply right now (time from the injected clock, URLs from configuration).</summary>
public sealed class CatalogDefaults(IOptions<CatalogOptions> options, AppBaseUrl appBaseUrl, TimeProvider time)
{
    public ComponentDefaults ForComponents()
        => new(string.IsNullOrWhiteSpace(options.Value.DefaultProviderName) ? null : options.Value.DefaultProviderName, time.GetUtcNow().UtcDateTime);

    public string DefaultTier => options.Value.DefaultTier;

    public string DefaultAvatarUrl => string.IsNullOrWhiteSpace(options.Value.DefaultAvatarUrl)
        ? appBaseUrl.Value + "/connect/logo.svg"
        : options.Value.DefaultAvatarUrl;

    public string? BackstageBaseUrl => string.IsNullOrWhiteSpace(options.Value.BackstageBaseUrl) ? null : options.Value.BackstageBaseUrl.TrimEnd('/');
}
