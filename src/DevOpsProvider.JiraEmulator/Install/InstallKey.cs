using System.Security.Cryptography;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace DevOpsProvider.JiraEmulator;

/// <summary>
/// The RSA key the emulator signs installed/uninstalled with (RS256, header kid), published at /install-keys/{kid}
/// like Atlassian publishes its keys at connect-install-keys.atlassian.com. A fresh key per emulator run.
/// </summary>
internal sealed class InstallKey : IDisposable
{
    private static readonly JsonWebTokenHandler Handler = new() { SetDefaultTimesOnTokenCreation = false };
    private readonly RSA _rsa = RSA.Create(2048);
    private readonly SigningCredentials _credentials;

    public InstallKey()
    {
        KeyId = "emulator-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
        PublicKeyPem = _rsa.ExportSubjectPublicKeyInfoPem();
        _credentials = new SigningCredentials(new RsaSecurityKey(_rsa) { KeyId = KeyId }, SecurityAlgorithms.RsaSha256);
    }

    public string KeyId { get; }

    public string PublicKeyPem { get; }

    /// <summary>A signed install token: iss = clientKey, aud = the app's baseUrl, iat, exp, qsh.</summary>
    public string Sign(string clientKey, string appBaseUrl, string qsh, DateTimeOffset now, TimeSpan lifetime)
        => Handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = clientKey,
            Audience = appBaseUrl,
            IssuedAt = now.UtcDateTime,
            Expires = (now + lifetime).UtcDateTime,
            Claims = new Dictionary<string, object> { ["qsh"] = qsh },
            SigningCredentials = _credentials,
        });

    public void Dispose() => _rsa.Dispose();
}
