namespace DevOpsProvider.Web.Catalog;

/// <summary>An item as read from a request or file; Position is what the report calls it by (index, line or document).</summary>
public sealed record PositionedInput(int Position, ComponentInput Input);

public sealed record ValidItem(int Position, CatalogComponent Component);

public sealed record RejectedItem(int Position, string? Id, IReadOnlyList<FieldError> Errors);

/// <summary>
/// Splits many items into valid components and rejected items with their reasons, so one bad item never blocks the
/// good ones (API batch and every import).
/// </summary>
public static class ComponentBatch
{
    public const int MaxComponents = 5000;
    public const string RepeatedIdRule = "is repeated: an earlier item of this request has the same id";

    /// <param name="scope">When set, every item goes into this scope (the import's ?scope=), whatever it says.</param>
    public static (List<ValidItem> Valid, List<RejectedItem> Rejected) Validate(IEnumerable<PositionedInput> items, ComponentDefaults defaults, string? scope = null)
    {
        var valid = new List<ValidItem>();
        var rejected = new List<RejectedItem>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (position, input) in items)
        {
            if (scope is not null)
            {
                input.Scope = scope;
            }

            var result = ComponentRules.Validate(input, defaults);
            if (!result.IsValid)
            {
                rejected.Add(new RejectedItem(position, input.Id, result.Errors));
            }
            else if (!seen.Add(result.Component!.Id))
            {
                // The store needs distinct ids; the first one wins so that the answer does not depend on guessing intent.
                rejected.Add(new RejectedItem(position, input.Id, [new FieldError("id", RepeatedIdRule)]));
            }
            else
            {
                valid.Add(new ValidItem(position, result.Component));
            }
        }

        return (valid, rejected);
    }
}
