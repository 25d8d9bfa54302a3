using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace DevOpsProvider.Web.Api;

/// <summary>
/// The authentication scheme of the provider's API: "Authorization: Bearer &lt;key&gt;" with a key from Api:Keys.
/// Every endpoint under /api/v1 requires <see cref="Policy"/>.
/// </summary>
public sealed class ApiKeyAuthentication(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory loggerFactory,
    UrlEncoder encoder,
    IOptionsMonitor<ApiOptions> apiOptions)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, loggerFactory, encoder)
{
    public const string SchemeName = "ApiKey";

    /// <summary>The authorization policy of every provider API endpoint (catalog, sync, actions).</summary>
    public const string Policy = "ApiKey";

    private const string FailureItem = "ApiKey.Failure";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return Task.FromResult(Fail("an API key is required: Authorization: Bearer <key>"));
        }

        if (!Matches(header[7..].Trim(), apiOptions.CurrentValue.Keys))
        {
            return Task.FromResult(Fail("the API key is not valid"));
        }

        var identity = new ClaimsIdentity([new Claim(ClaimTypes.Name, "api")], SchemeName);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName)));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var reason = Context.Items[FailureItem] as string ?? "an API key is required: Authorization: Bearer <key>";
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = "Bearer";
        await ApiProblem.WriteAsync(Context, StatusCodes.Status401Unauthorized, "Unauthorized", reason);
    }

    /// <summary>
    /// Compares SHA-256 digests in constant time against every key (no early exit), so neither the time taken nor
    /// the key lengths tell an attacker how close a guess was.
    /// </summary>
    public static bool Matches(string presented, IEnumerable<string> keys)
    {
        var presentedHash = SHA256.HashData(Encoding.UTF8.GetBytes(presented));
        var match = false;
        foreach (var key in keys)
        {
            if (string.IsNullOrEmpty(key))
            {
                continue;
            }

            match |= CryptographicOperations.FixedTimeEquals(presentedHash, SHA256.HashData(Encoding.UTF8.GetBytes(key)));
        }

        return match;
    }

    private AuthenticateResult Fail(string reason)
    {
        Context.Items[FailureItem] = reason;
        // The presented key is never logged: it may be a real key with a typo.
        Logger.LogWarning("Refused an API call to {Method} {Path}: {Reason}", Request.Method, Request.Path, reason);
        return AuthenticateResult.Fail(reason);
    }
}
