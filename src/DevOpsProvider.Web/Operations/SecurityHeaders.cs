namespace DevOpsProvider.Web.Operations;

/// <summary>
/// Response headers that keep the dashboard's pages inert in hostile hands: a Content-Security-Policy allowing
/// scripts and styles from this origin only (no inline script), no framing, no MIME sniffing, no referrer.
/// The Connect descriptor and Jira-facing JSON endpoints get the same headers; they are never framed.
/// </summary>
public static class SecurityHeaders
{
    public const string StrictPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
        "frame-ancestors 'none'; base-uri 'self'; form-action 'self'; object-src 'none'";

    // The Hangfire dashboard and the API reference page ship inline scripts and styles of their own; they are still
    // never framed and only reachable by operators.
    private const string VendorPagesPolicy =
        "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
        "font-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'; object-src 'none'";

    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app)
        => app.Use((context, next) =>
        {
            var headers = context.Response.Headers;
            var path = context.Request.Path;
            headers.ContentSecurityPolicy = path.StartsWithSegments("/hangfire") || path.StartsWithSegments("/api/docs")
                ? VendorPagesPolicy
                : StrictPolicy;
            headers.XContentTypeOptions = "nosniff";
            headers.XFrameOptions = "DENY";
            headers["Referrer-Policy"] = "no-referrer";
            headers["Cross-Origin-Opener-Policy"] = "same-origin";
            return next(context);
        });
}
