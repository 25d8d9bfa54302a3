using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using DevOpsProvider.Connect;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace DevOpsProvider.Tests.Infrastructure;

/// <summary>Tokens as Jira signs them, and deliberately broken ones.</summary>
public static class JiraTokens
{
    /// <summary>An RS256 install token (PROTOCOL.md section 2).</summary>
    public static string SignedInstall(RSA key, string kid, string clientKey, string audience, string method, string path,
        DateTimeOffset? now = null, TimeSpan? lifetime = null, string? qsh = null, string alg = SecurityAlgorithms.RsaSha256)
    {
        var issuedAt = now ?? DateTimeOffset.UtcNow;
        var descriptor = new SecurityTokenDescriptor
        {
            Claims = new Dictionary<string, object>
            {
                ["iss"] = clientKey,
                ["aud"] = audience,
                ["sub"] = "connect:" + clientKey,
                ["qsh"] = qsh ?? QueryStringHash.Compute(method, path),
            },
            IssuedAt = issuedAt.UtcDateTime,
            NotBefore = issuedAt.UtcDateTime.AddMinutes(-1),
            Expires = (issuedAt + (lifetime ?? TimeSpan.FromMinutes(3))).UtcDateTime,
            SigningCredentials = new SigningCredentials(new RsaSecurityKey(key) { KeyId = kid }, alg),
        };
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(descriptor);
    }

    /// <summary>An HS256 token as Jira sends on every other call (PROTOCOL.md section 3).</summary>
    public static string Hs256(string clientKey, string secret, string method, string pathAndQuery, DateTimeOffset? now = null,
        TimeSpan? lifetime = null, string? qsh = null)
        => ConnectJwt.Create(clientKey, secret, qsh ?? QueryStringHash.Compute(method, pathAndQuery), now ?? DateTimeOffset.UtcNow,
            lifetime ?? TimeSpan.FromMinutes(3));

    /// <summary>A token with an arbitrary header and payload and the given signature (or none).</summary>
    public static string Raw(string headerJson, string payloadJson, string signature = "")
        => $"{Base64Url(headerJson)}.{Base64Url(payloadJson)}.{signature}";

    /// <summary>An HS256 token whose HMAC key is the given bytes (alg-confusion attacks use a public key here).</summary>
    public static string Hs256WithKey(string payloadJson, byte[] key)
        => ConnectJwt.Sign("""{"alg":"HS256","typ":"JWT"}"""u8, Encoding.UTF8.GetBytes(payloadJson), key);

    private static string Base64Url(string s) => System.Buffers.Text.Base64Url.EncodeToString(Encoding.UTF8.GetBytes(s));
}
