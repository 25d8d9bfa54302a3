using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace DevOpsProvider.Web.Connect;

/// <summary>
/// Encrypts tenant shared secrets at rest with AES-256-GCM, so that a database dump alone reveals no secret.
/// Stored form: <c>v1:&lt;keyId&gt;:&lt;base64(nonce | ciphertext | tag)&gt;</c>; the key id (a hash prefix of the key) tells
/// which key to decrypt with, so old rows keep working through Connect:PreviousSecretEncryptionKeys during rotation.
/// </summary>
public sealed class SecretProtector
{
    private const string Version = "v1";
    private const int NonceBytes = 12;
    private const int TagBytes = 16;
    private readonly (string Id, byte[] Key) _current;
    private readonly Dictionary<string, byte[]> _keys = new(StringComparer.Ordinal);

    public SecretProtector(IOptions<ConnectOptions> options, EncryptionKeySource source)
    {
        _current = Describe(source.CurrentKey(options.Value.SecretEncryptionKey));
        _keys[_current.Id] = _current.Key;
        foreach (var previous in options.Value.PreviousSecretEncryptionKeys)
        {
            var (id, key) = Describe(Decode(previous, "Connect:PreviousSecretEncryptionKeys"));
            _keys.TryAdd(id, key);
        }
    }

    public string CurrentKeyId => _current.Id;

    public string Protect(string secret)
    {
        var plain = Encoding.UTF8.GetBytes(secret);
        var blob = new byte[NonceBytes + plain.Length + TagBytes];
        var nonce = blob.AsSpan(0, NonceBytes);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(_current.Key, TagBytes);
        aes.Encrypt(nonce, plain, blob.AsSpan(NonceBytes, plain.Length), blob.AsSpan(NonceBytes + plain.Length), Encoding.ASCII.GetBytes(_current.Id));
        return $"{Version}:{_current.Id}:{Convert.ToBase64String(blob)}";
    }

    public string Unprotect(string stored)
    {
        var parts = stored.Split(':');
        if (parts is not [Version, var keyId, var payload])
        {
            throw new CryptographicException("The stored secret is not in the v1 encrypted form.");
        }

        if (!_keys.TryGetValue(keyId, out var key))
        {
            throw new CryptographicException($"The stored secret was encrypted with key {keyId}, which is neither Connect:SecretEncryptionKey nor in Connect:PreviousSecretEncryptionKeys.");
        }

        var blob = Convert.FromBase64String(payload);
        var length = blob.Length - NonceBytes - TagBytes;
        var plain = new byte[length];
        using var aes = new AesGcm(key, TagBytes);
        aes.Decrypt(blob.AsSpan(0, NonceBytes), blob.AsSpan(NonceBytes, length), blob.AsSpan(NonceBytes + length), plain, Encoding.ASCII.GetBytes(keyId));
        return Encoding.UTF8.GetString(plain);
    }

    /// <summary>True when the stored value is not encrypted with the current key (rotation re-encrypts it).</summary>
    public bool IsStale(string stored) => !stored.StartsWith($"{Version}:{_current.Id}:", StringComparison.Ordinal);

    public static byte[] Decode(string base64, string setting)
    {
        try
        {
            var key = Convert.FromBase64String(base64);
            return key.Length == 32 ? key : throw new InvalidOperationException($"{setting} must be 32 bytes, base64-encoded.");
        }
        catch (FormatException)
        {
            throw new InvalidOperationException($"{setting} must be 32 bytes, base64-encoded.");
        }
    }

    private static (string Id, byte[] Key) Describe(byte[] key)
        => (Convert.ToHexStringLower(SHA256.HashData(key))[..12], key);
}

/// <summary>
/// Where the current encryption key comes from: Connect:SecretEncryptionKey, or in Development a key generated once
/// and kept in .data/secret-encryption.key (mode 0600). Outside Development the setting is required.
/// </summary>
public sealed class EncryptionKeySource(IHostEnvironment environment)
{
    public byte[] CurrentKey(string? configured)
    {
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return SecretProtector.Decode(configured, "Connect:SecretEncryptionKey");
        }

        if (!environment.IsDevelopment())
        {
            throw new InvalidOperationException("Connect:SecretEncryptionKey is required outside Development (32 random bytes, base64).");
        }

        var path = Path.Combine(environment.ContentRootPath, ".data", "secret-encryption.key");
        if (File.Exists(path))
        {
            return SecretProtector.Decode(File.ReadAllText(path).Trim(), path);
        }

        var key = RandomNumberGenerator.GetBytes(32);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, Convert.ToBase64String(key));
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        return key;
    }
}
