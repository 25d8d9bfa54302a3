using Microsoft.AspNetCore.Http.Features;

namespace DevOpsProvider.Web.Connect;

/// <summary>The request's path and query exactly as the client sent them, for the qsh (PROTOCOL.md section 5).</summary>
public static class RequestTarget
{
    public static (string Path, string Query) Of(HttpContext context)
    {
        // RawTarget keeps the path undecoded ("%2f", "//" and "./.." stay as sent), which the qsh requires.
        var raw = context.Features.Get<IHttpRequestFeature>()?.RawTarget;
        if (string.IsNullOrEmpty(raw) || raw[0] != '/')
        {
            return (context.Request.PathBase.Add(context.Request.Path).ToUriComponent(), context.Request.QueryString.Value ?? "");
        }

        var qm = raw.IndexOf('?', StringComparison.Ordinal);
        return qm < 0 ? (raw, "") : (raw[..qm], raw[qm..]);
    }
}
