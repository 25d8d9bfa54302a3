using System.Globalization;

namespace DevOpsProvider.Tests.Operations;

/// <summary>Reads samples out of a Prometheus text exposition (what /metrics answers).</summary>
public sealed class PrometheusText(string text)
{
    public string Text { get; } = text;

    /// <summary>The samples of <paramref name="name"/> whose labels include every one of <paramref name="labels"/> ("key=value").</summary>
    public IReadOnlyList<double> Samples(string name, params string[] labels)
    {
        var found = new List<double>();
        foreach (var line in Text.Split('\n'))
        {
            if (line.StartsWith('#') || !line.StartsWith(name, StringComparison.Ordinal))
            {
                continue;
            }

            var rest = line[name.Length..];
            string labelText;
            if (rest.StartsWith('{'))
            {
                var close = rest.IndexOf('}', StringComparison.Ordinal);
                labelText = rest[1..close];
                rest = rest[(close + 1)..];
            }
            else if (rest.StartsWith(' '))
            {
                labelText = "";
            }
            else
            {
                continue; // another metric whose name starts with this one
            }

            var pairs = labelText.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(p => p.Replace("\"", "", StringComparison.Ordinal)).ToHashSet();
            if (labels.All(pairs.Contains))
            {
                found.Add(double.Parse(rest.Trim().Split(' ')[0], CultureInfo.InvariantCulture));
            }
        }

        return found;
    }

    /// <summary>The sum of the matching samples (0 when none).</summary>
    public double Sum(string name, params string[] labels) => Samples(name, labels).Sum();

    public override string ToString() => Text;
}
