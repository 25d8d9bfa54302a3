using System.Net;
using System.Text;

namespace DevOpsProvider.JiraEmulator;

/// <summary>GET /: each site's components listed as Jira lists them, so a demo has something to look at.</summary>
internal static class HomePage
{
    private const int MaxRowsPerSite = 500;

    public static void MapHomePage(this IEndpointRouteBuilder app)
        => app.MapGet("/", (Emulator emulator) => Results.Content(Render(emulator), "text/html; charset=utf-8"));

    private static string Render(Emulator emulator)
    {
        var html = new StringBuilder(4096);
        html.Append("""
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><title>Jira emulator</title>
            <style>
            body{font-family:system-ui,sans-serif;margin:2rem;color:#172B4D}
            table{border-collapse:collapse;margin-bottom:2rem}
            th,td{border-bottom:1px solid #DFE1E6;padding:.4rem .8rem;text-align:left}
            th{color:#6B778C;font-size:.8rem;text-transform:uppercase}
            .state{font-size:.8rem;padding:.1rem .4rem;border-radius:3px;background:#DFE1E6}
            </style></head><body>
            <h1>Jira emulator</h1>
            """);
        var sites = emulator.Sites;
        if (sites.Count == 0)
        {
            html.Append("<p>No app is installed yet. Install one with <code>POST /_emulator/sites</code>.</p>");
        }

        foreach (var site in sites)
        {
            var components = site.Components;
            html.Append("<h2>").Append(Encode(site.Name)).Append(" <span class=\"state\">").Append(Encode(site.State)).Append("</span></h2>")
                .Append("<p>").Append(Encode(site.BaseUrl)).Append(" &middot; app ").Append(Encode(site.AppKey))
                .Append(" &middot; ").Append(components.Count).Append(" DevOps components</p>");
            if (components.Count == 0)
            {
                continue;
            }

            html.Append("<table><thead><tr><th>Name</th><th>Type</th><th>Tier</th><th>Provider</th><th>Last updated</th></tr></thead><tbody>");
            foreach (var stored in components.Take(MaxRowsPerSite))
            {
                var c = stored.Component;
                html.Append("<tr><td>").Append(Link((string?)c["url"], (string?)c["name"])).Append("</td><td>")
                    .Append(Encode((string?)c["componentType"])).Append("</td><td>")
                    .Append(Encode((string?)c["tier"])).Append("</td><td>")
                    .Append(Encode((string?)c["providerName"])).Append("</td><td>")
                    .Append(Encode((string?)c["lastUpdated"])).Append("</td></tr>");
            }

            html.Append("</tbody></table>");
            if (components.Count > MaxRowsPerSite)
            {
                html.Append("<p>First ").Append(MaxRowsPerSite).Append(" shown; all are at <code>GET /_emulator/sites/")
                    .Append(Encode(site.ClientKey)).Append("/components</code>.</p>");
            }
        }

        return html.Append("</body></html>").ToString();
    }

    private static string Encode(string? text) => WebUtility.HtmlEncode(text ?? "");

    /// <summary>Only http(s) URLs become links: a component's url is the provider's data, not to be trusted as markup.</summary>
    private static string Link(string? url, string? text)
        => Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"
            ? $"<a href=\"{Encode(uri.AbsoluteUri)}\" rel=\"noopener noreferrer\">{Encode(text)}</a>"
            : Encode(text);
}
