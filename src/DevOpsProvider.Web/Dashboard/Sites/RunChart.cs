using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using DevOpsProvider.Web.Sync;

namespace DevOpsProvider.Web.Dashboard.Sites;

/// <summary>
/// Components sent per run over time, as a server-rendered SVG bar chart: no script and no chart library, so it
/// works without JavaScript and under the strict Content-Security-Policy.
/// </summary>
public static class RunChart
{
    public static string Render(IReadOnlyList<SyncRunRecord> runs, int width = 640, int height = 160)
    {
        var ordered = runs.Where(r => r.Outcome != "running").OrderBy(r => r.StartedAt).TakeLast(40).ToList();
        if (ordered.Count == 0)
        {
            return "";
        }

        const int left = 40, bottom = 22, top = 8;
        var max = Math.Max(1, ordered.Max(r => r.Sent + r.Deleted));
        var plotWidth = width - left - 4;
        var plotHeight = height - bottom - top;
        var slot = (double)plotWidth / ordered.Count;
        var bar = Math.Clamp(slot * 0.7, 2, 28);
        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture, $"<svg viewBox=\"0 0 {width} {height}\" role=\"img\" aria-label=\"Components sent per run\">");
        svg.Append(CultureInfo.InvariantCulture, $"<line class=\"axis\" x1=\"{left}\" y1=\"{height - bottom}\" x2=\"{width - 4}\" y2=\"{height - bottom}\"/>");
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{left - 4}\" y=\"{top + 8}\" text-anchor=\"end\">{max}</text>");
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{left - 4}\" y=\"{height - bottom}\" text-anchor=\"end\">0</text>");
        for (var i = 0; i < ordered.Count; i++)
        {
            var run = ordered[i];
            var value = run.Sent + run.Deleted;
            var h = plotHeight * value / (double)max;
            var x = left + (i * slot) + ((slot - bar) / 2);
            var y = height - bottom - h;
            var label = HtmlEncoder.Default.Encode($"{run.StartedAt:u}: {run.Sent} sent, {run.Deleted} deleted ({run.Outcome}, {run.Trigger})");
            svg.Append(CultureInfo.InvariantCulture, $"<rect class=\"bar\" x=\"{x:0.#}\" y=\"{y:0.#}\" width=\"{bar:0.#}\" height=\"{Math.Max(h, 0.5):0.#}\"><title>{label}</title></rect>");
        }

        var first = ordered[0].StartedAt.ToString("MMM d HH:mm", CultureInfo.InvariantCulture);
        var last = ordered[^1].StartedAt.ToString("MMM d HH:mm", CultureInfo.InvariantCulture);
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{left}\" y=\"{height - 6}\">{first}</text>");
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{width - 4}\" y=\"{height - 6}\" text-anchor=\"end\">{last}</text>");
        svg.Append("</svg>");
        return svg.ToString();
    }
}
