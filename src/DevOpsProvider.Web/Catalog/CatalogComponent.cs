namespace DevOpsProvider.Web.Catalog;

/// <summary>One component of the provider's catalog: the seed's Component fields plus scope, version and tombstone.</summary>
public sealed class CatalogComponent
{
    public required string Id { get; init; }

    /// <summary>Which customers receive it: sync sends a Jira site only the scopes assigned to it.</summary>
    public string Scope { get; init; } = ComponentRules.DefaultScope;

    public required string Name { get; init; }

    public string? ProviderName { get; init; }

    public required string Description { get; init; }

    public required string Url { get; init; }

    public required string AvatarUrl { get; init; }

    public required string Tier { get; init; }

    public required string ComponentType { get; init; }

    /// <summary>UTC, millisecond precision.</summary>
    public DateTime LastUpdated { get; init; }

    /// <summary>
    /// True when the provider did not send lastUpdated (ComponentRules filled in "now"): the store then keeps the
    /// stored lastUpdated when nothing else changed, so a re-sent unchanged component stays unchanged.
    /// </summary>
    public bool LastUpdatedIsDefault { get; init; }

    /// <summary>Grows on every change; Jira's updateSequenceNumber. 0 until stored.</summary>
    public long Version { get; init; }

    /// <summary>Set when deleted (tombstone): the row stays until every site has been told.</summary>
    public DateTime? DeletedAt { get; init; }
}

/// <summary>A broken rule: which field, and what it must be (RFC 7807 problem details list these).</summary>
public sealed record FieldError(string Field, string Rule);
