using DevOpsProvider.Connect;
using Microsoft.Extensions.Primitives;

namespace DevOpsProvider.JiraEmulator;

/// <summary>
/// Jira's check of an app's call (PROTOCOL.md section 4): a JWT in "Authorization: JWT ..." (or the jwt query
/// parameter), HS256 with the site's shared secret, iss = the installed app's key, exp within the leeway, and a qsh
/// over the request as sent, relative to the site's context path.
/// </summary>
internal static class ApiAuth
{
    /// <summary>Null when the call is authentic, else the reason (safe to return: it never contains the token).</summary>
    public static string? Check(HttpContext context, EmulatorSite site, string rawPath, string rawQuery, DateTimeOffset now, TimeSpan leeway)
    {
        var token = TokenOf(context);
        if (token is null)
        {
            return "a JWT is required (Authorization: JWT <token>)";
        }

        var jwt = ConnectJwt.Read(token);
        if (jwt is null)
        {
            return "the JWT is malformed";
        }

        if (!string.Equals(ConnectJwt.GetString(jwt, "iss"), site.AppKey, StringComparison.Ordinal))
        {
            return "iss is not the key of an app installed on this site";
        }

        var check = ConnectJwt.VerifyHs256(jwt, site.SharedSecret, now, leeway);
        if (!check.Succeeded && check.Reason == "signature does not verify" && site.PendingSecret is { } pending)
        {
            // During a reinstall the app may already sign with the secret it was just sent.
            check = ConnectJwt.VerifyHs256(jwt, pending, now, leeway);
        }

        if (!check.Succeeded)
        {
            return check.Reason;
        }

        var qsh = ConnectJwt.GetString(jwt, "qsh");
        if (string.IsNullOrEmpty(qsh))
        {
            return "the JWT has no qsh claim";
        }

        if (qsh == QueryStringHash.ContextQsh)
        {
            return "context-qsh is only for browser requests, not for API calls";
        }

        return QueryStringHash.Matches(qsh, context.Request.Method, rawPath, rawQuery, site.BasePath)
            ? null
            : "qsh does not match the request";
    }

    private static string? TokenOf(HttpContext context)
    {
        var header = context.Request.Headers.Authorization;
        if (!StringValues.IsNullOrEmpty(header))
        {
            var value = header.ToString();
            return value.StartsWith("JWT ", StringComparison.OrdinalIgnoreCase) ? value[4..].Trim() : null;
        }

        var query = context.Request.Query["jwt"];
        return StringValues.IsNullOrEmpty(query) ? null : query.ToString();
    }
}
