using System.Security.Cryptography;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace DevOpsProvider.Connect;

/// <summary>
/// Verification of Atlassian's signed install tokens (PROTOCOL.md section 2): RS256 only, signature by the key
/// published for the token's <c>kid</c>, <c>aud</c> equal to the app's baseUrl (a trailing slash ignored), <c>exp</c>
/// with a small leeway. <c>iss</c> and <c>qsh</c> depend on the request and are checked by the caller.
/// </summary>
public static class SignedInstallToken
{
    private static readonly JsonWebTokenHandler Handler = new() { MapInboundClaims = false };

    /// <summary>A key id Atlassian could have issued: no path separators, dots-only names or URL syntax can reach the key server.</summary>
    public static bool IsPlausibleKeyId(string? kid)
        => !string.IsNullOrEmpty(kid) && kid.Length <= 128 && kid != "." && kid != ".."
           && kid.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.');

    public static async Task<JwtCheck> VerifyAsync(JsonWebToken token, RSA publicKey, string appBaseUrl, DateTimeOffset now, TimeSpan leeway)
    {
        if (!string.Equals(token.Alg, ConnectJwt.Rs256, StringComparison.Ordinal))
        {
            return JwtCheck.Fail("install callbacks must be signed with RS256");
        }

        var baseUrl = appBaseUrl.TrimEnd('/');
        var parameters = new TokenValidationParameters
        {
            ValidAlgorithms = [ConnectJwt.Rs256],
            // The caller fetched this key for the token's kid, so it is the key of that kid. Without the KeyId
            // IdentityModel finds no key matching the kid and refuses every signed install (all carry a kid).
            IssuerSigningKey = new RsaSecurityKey(publicKey) { KeyId = token.Kid },
            ValidateIssuerSigningKey = true,
            ValidateIssuer = false,
            ValidAudiences = [baseUrl, baseUrl + "/"],
            ValidateAudience = true,
            // Lifetime is checked against the injected clock below, not the machine clock.
            ValidateLifetime = false,
            RequireSignedTokens = true,
            TryAllIssuerSigningKeys = false,
        };

        var result = await Handler.ValidateTokenAsync(token, parameters);
        if (!result.IsValid)
        {
            return JwtCheck.Fail(result.Exception switch
            {
                SecurityTokenInvalidAudienceException => "aud does not match the app's baseUrl",
                SecurityTokenInvalidAlgorithmException => "install callbacks must be signed with RS256",
                SecurityTokenSignatureKeyNotFoundException or SecurityTokenInvalidSignatureException => "signature does not verify",
                _ => "install token is invalid",
            });
        }

        return ConnectJwt.CheckLifetime(token, now, leeway);
    }
}
