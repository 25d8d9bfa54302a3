namespace DevOpsProvider.Web.Connect;

/// <summary>One installed Jira site. Timestamps are UTC.</summary>
public sealed record Tenant
{
    public required string ClientKey { get; init; }

    public required string SharedSecret { get; init; }

    public required string BaseUrl { get; init; }

    public string? DisplayUrl { get; init; }

    public string? ProductType { get; init; }

    public string? Description { get; init; }

    public string? ServiceEntitlementNumber { get; init; }

    public string? OauthClientId { get; init; }

    public string? InstallationId { get; init; }

    public string? CloudId { get; init; }

    public required string State { get; init; }

    public DateTime InstalledAt { get; init; }

    public DateTime UpdatedAt { get; init; }

    public DateTime SecretRotatedAt { get; init; }

    /// <summary>Never prints the shared secret (a record would print every property).</summary>
    public override string ToString() => $"Tenant {ClientKey} ({BaseUrl}, {State})";

    /// <summary>The path of the site's baseUrl ("" at the root): the context path requests to Jira are relative to.</summary>
    public string BasePath => new Uri(BaseUrl).AbsolutePath.TrimEnd('/');
}

public static class TenantStates
{
    public const string Active = "active";
    public const string Disabled = "disabled";
    public const string Uninstalled = "uninstalled";
    public const string Replaced = "replaced";
}

/// <summary>The lifecycle callback body (PROTOCOL.md section 2).</summary>
public sealed class LifecyclePayload
{
    public string? Key { get; set; }

    public string? ClientKey { get; set; }

    public string? SharedSecret { get; set; }

    public string? BaseUrl { get; set; }

    public string? DisplayUrl { get; set; }

    public string? ProductType { get; set; }

    public string? Description { get; set; }

    public string? ServiceEntitlementNumber { get; set; }

    public string? OauthClientId { get; set; }

    public string? EventType { get; set; }

    public string? InstallationId { get; set; }

    public string? CloudId { get; set; }
}
