using Microsoft.Extensions.Options;

namespace DevOpsProvider.Web.Connect;

/// <summary>
/// The hosts a tenant's baseUrl may name. The app signs requests with the tenant's secret and sends them to its
/// baseUrl, so a baseUrl Atlassian did not vouch for is refused at install (Connect:AllowedHosts).
/// </summary>
public sealed class HostPolicy
{
    private readonly string[] _patterns;

    public HostPolicy(IOptions<ConnectOptions> options, IHostEnvironment environment)
    {
        var configured = options.Value.AllowedHosts.Where(p => !string.IsNullOrWhiteSpace(p)).ToArray();
        _patterns = configured.Length > 0
            ? configured
            : environment.IsDevelopment()
                ? [.. ConnectOptions.DefaultAllowedHosts, .. ConnectOptions.DevelopmentAllowedHosts]
                : ConnectOptions.DefaultAllowedHosts;
    }

    public IReadOnlyList<string> Patterns => _patterns;

    /// <summary>Null when <paramref name="baseUrl"/> is acceptable, else the reason it is not.</summary>
    public string? Check(string? baseUrl)
    {
        if (!Uri.TryCreate(baseUrl, UriKind.Absolute, out var uri) || uri.Scheme is not ("https" or "http"))
        {
            return "baseUrl must be an absolute http(s) URL";
        }

        if (!string.IsNullOrEmpty(uri.UserInfo) || !string.IsNullOrEmpty(uri.Query) || !string.IsNullOrEmpty(uri.Fragment))
        {
            return "baseUrl must not carry credentials, a query or a fragment";
        }

        if (!_patterns.Any(p => Matches(p, uri.Host)))
        {
            return $"baseUrl host '{uri.Host}' is not in Connect:AllowedHosts";
        }

        // Plain http only towards this machine (the emulator); a real Jira site is always https.
        return uri.Scheme == "http" && !uri.IsLoopback ? "baseUrl must use https" : null;
    }

    public static bool Matches(string pattern, string host)
    {
        if (pattern.StartsWith("*.", StringComparison.Ordinal))
        {
            var suffix = pattern[1..];
            return host.Length > suffix.Length && host.EndsWith(suffix, StringComparison.OrdinalIgnoreCase);
        }

        return string.Equals(pattern, host, StringComparison.OrdinalIgnoreCase);
    }
}
