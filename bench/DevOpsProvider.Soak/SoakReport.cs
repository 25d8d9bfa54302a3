using System.Globalization;
using System.Text;

namespace DevOpsProvider.Soak;

/// <summary>One site at the end of the soak. ConvergedAfter: how long after the faults stopped it held exactly the catalog.</summary>
public sealed record SoakSiteRow(
    string Site,
    bool Converged,
    TimeSpan? ConvergedAfter,
    int Held,
    IReadOnlyDictionary<string, long> Runs,
    int Requests,
    int TooManyRequests,
    int ServerErrors,
    int Dropped,
    int PeakConcurrentCalls);

public sealed record SoakReport(int CatalogSize, IReadOnlyList<SoakSiteRow> Sites, IReadOnlyDictionary<string, int> Chaos)
{
    public bool AllConverged => Sites.All(s => s.Converged);

    public string ToMarkdown()
    {
        var text = new StringBuilder();
        var culture = CultureInfo.InvariantCulture;
        text.AppendLine(culture, $"Catalog at the end: {CatalogSize:N0} components. Chaos: {string.Join(", ", Chaos.OrderBy(c => c.Key).Select(c => $"{c.Key} {c.Value}"))}.");
        text.AppendLine();
        text.AppendLine("| site | converged | after faults stopped (s) | held | runs (by outcome) | requests | 429 | 5xx | dropped | peak concurrent calls |");
        text.AppendLine("|---|---|---:|---:|---|---:|---:|---:|---:|---:|");
        foreach (var s in Sites)
        {
            var runs = string.Join(", ", s.Runs.OrderBy(r => r.Key).Select(r => $"{r.Key} {r.Value}"));
            var after = s.ConvergedAfter is { } at ? at.TotalSeconds.ToString("F0", culture) : "-";
            text.AppendLine(culture, $"| {s.Site} | {(s.Converged ? "yes" : "NO")} | {after} | {s.Held:N0} | {runs} | {s.Requests} | {s.TooManyRequests} | {s.ServerErrors} | {s.Dropped} | {s.PeakConcurrentCalls} |");
        }

        text.AppendLine();
        text.AppendLine(AllConverged ? "Every site converged without a manual sync." : "NOT every site converged.");
        return text.ToString();
    }
}
