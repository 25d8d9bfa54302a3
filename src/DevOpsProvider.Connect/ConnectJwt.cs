using System.Buffers;
using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;

namespace DevOpsProvider.Connect;

/// <summary>
/// HS256 Connect JWTs, both directions (PROTOCOL.md sections 3 and 4).
/// Parsing uses Microsoft.IdentityModel's <see cref="JsonWebToken"/>; the HMAC itself is computed here because
/// Atlassian shared secrets may be shorter than the 256 bits IdentityModel insists on for HS256 keys,
/// and because this is the hot path of every Jira call.
/// </summary>
public static class ConnectJwt
{
    public const string Hs256 = "HS256";
    public const string Rs256 = "RS256";

    /// <summary>Tokens longer than this are refused before parsing (Jira's tokens are a few hundred bytes).</summary>
    public const int MaxTokenLength = 8 * 1024;

    /// <summary>Creates a signed HS256 token with iss, iat, exp and qsh claims.</summary>
    public static string Create(string issuer, string sharedSecret, string qsh, DateTimeOffset issuedAt, TimeSpan lifetime,
        IReadOnlyDictionary<string, string>? extraClaims = null)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("iss", issuer);
            writer.WriteNumber("iat", issuedAt.ToUnixTimeSeconds());
            writer.WriteNumber("exp", (issuedAt + lifetime).ToUnixTimeSeconds());
            writer.WriteString("qsh", qsh);
            if (extraClaims is not null)
            {
                foreach (var (name, value) in extraClaims)
                {
                    writer.WriteString(name, value);
                }
            }

            writer.WriteEndObject();
        }

        return Sign(HeaderHs256, buffer.WrittenSpan, Encoding.UTF8.GetBytes(sharedSecret));
    }

    /// <summary>Signs an arbitrary payload (JSON object bytes) with HS256; the header is fixed.</summary>
    public static string Sign(ReadOnlySpan<byte> headerJson, ReadOnlySpan<byte> payloadJson, ReadOnlySpan<byte> key)
    {
        var headerLength = Base64Url.GetEncodedLength(headerJson.Length);
        var payloadLength = Base64Url.GetEncodedLength(payloadJson.Length);
        var signedLength = headerLength + 1 + payloadLength;
        var total = signedLength + 1 + Base64Url.GetEncodedLength(HMACSHA256.HashSizeInBytes);
        var chars = ArrayPool<byte>.Shared.Rent(total);
        try
        {
            Base64Url.EncodeToUtf8(headerJson, chars);
            chars[headerLength] = (byte)'.';
            Base64Url.EncodeToUtf8(payloadJson, chars.AsSpan(headerLength + 1));
            Span<byte> mac = stackalloc byte[HMACSHA256.HashSizeInBytes];
            HMACSHA256.HashData(key, chars.AsSpan(0, signedLength), mac);
            chars[signedLength] = (byte)'.';
            Base64Url.EncodeToUtf8(mac, chars.AsSpan(signedLength + 1));
            return Encoding.ASCII.GetString(chars, 0, total);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chars);
        }
    }

    /// <summary>Parses a compact JWS without verifying it; null when it is not one.</summary>
    public static JsonWebToken? Read(string? token)
    {
        if (string.IsNullOrEmpty(token) || token.Length > MaxTokenLength)
        {
            return null;
        }

        try
        {
            var jwt = new JsonWebToken(token);
            // A JWE (five parts) or an unsigned token (empty signature) is never a Connect token.
            if (jwt.IsEncrypted || string.IsNullOrEmpty(jwt.EncodedSignature))
            {
                return null;
            }

            // JSON parsers disagree on duplicate names (IdentityModel keeps the last one): a token that says two
            // things about its algorithm or issuer is refused rather than read one way here and another elsewhere.
            return HasDuplicateNames(jwt.EncodedHeader) || HasDuplicateNames(jwt.EncodedPayload) ? null : jwt;
        }
        catch (ArgumentException)
        {
            return null;
        }
        catch (JsonException)
        {
            return null;
        }
        catch (Microsoft.IdentityModel.Tokens.SecurityTokenException)
        {
            return null;
        }
    }

    /// <summary>True when a top-level name repeats, or the part is not base64url JSON of sane size (then it is refused too).</summary>
    private static bool HasDuplicateNames(string encodedPart)
    {
        const int MaxNames = 64;
        if (!Base64Url.IsValid(encodedPart, out var length) || length > MaxTokenLength)
        {
            return true;
        }

        var bytes = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            var written = Base64Url.DecodeFromChars(encodedPart, bytes);
            var reader = new Utf8JsonReader(bytes.AsSpan(0, written));
            var names = new HashSet<string>(16, StringComparer.Ordinal);
            while (reader.Read())
            {
                if (reader.TokenType == JsonTokenType.PropertyName && reader.CurrentDepth == 1
                    && (!names.Add(reader.GetString()!) || names.Count > MaxNames))
                {
                    return true;
                }
            }

            return false;
        }
        catch (JsonException)
        {
            return true;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(bytes);
        }
    }

    /// <summary>
    /// Verifies an HS256 token's algorithm, signature and lifetime. The qsh is the caller's to check,
    /// because only the caller knows the request.
    /// </summary>
    public static JwtCheck VerifyHs256(JsonWebToken token, string sharedSecret, DateTimeOffset now, TimeSpan leeway)
    {
        if (!string.Equals(token.Alg, Hs256, StringComparison.Ordinal))
        {
            return JwtCheck.Fail($"algorithm '{Truncate(token.Alg)}' is not accepted, HS256 is required");
        }

        var encoded = token.EncodedToken;
        var lastDot = encoded.LastIndexOf('.');
        var signature = encoded.AsSpan(lastDot + 1);
        Span<byte> given = stackalloc byte[HMACSHA256.HashSizeInBytes + 3];
        if (!Base64Url.IsValid(signature, out var decodedLength) || decodedLength != HMACSHA256.HashSizeInBytes
            || Base64Url.DecodeFromChars(signature, given) != HMACSHA256.HashSizeInBytes)
        {
            return JwtCheck.Fail("signature is malformed");
        }

        var secretBytes = Encoding.UTF8.GetBytes(sharedSecret);
        var signedBytes = Encoding.ASCII.GetBytes(encoded, 0, lastDot);
        Span<byte> expected = stackalloc byte[HMACSHA256.HashSizeInBytes];
        HMACSHA256.HashData(secretBytes, signedBytes, expected);
        if (!CryptographicOperations.FixedTimeEquals(expected, given[..HMACSHA256.HashSizeInBytes]))
        {
            return JwtCheck.Fail("signature does not verify");
        }

        return CheckLifetime(token, now, leeway);
    }

    /// <summary>exp is required and compared in seconds since the epoch, with leeway for clock skew; nbf honoured when present.</summary>
    public static JwtCheck CheckLifetime(JsonWebToken token, DateTimeOffset now, TimeSpan leeway)
    {
        if (!token.TryGetPayloadValue<long>("exp", out var exp))
        {
            return JwtCheck.Fail("exp claim is missing");
        }

        var nowSeconds = now.ToUnixTimeSeconds();
        var leewaySeconds = (long)leeway.TotalSeconds;
        if (exp + leewaySeconds < nowSeconds)
        {
            return JwtCheck.Fail("token has expired");
        }

        if (token.TryGetPayloadValue<long>("nbf", out var nbf) && nbf - leewaySeconds > nowSeconds)
        {
            return JwtCheck.Fail("token is not valid yet");
        }

        return JwtCheck.Ok;
    }

    /// <summary>The string value of a claim, or null when absent or not a string.</summary>
    public static string? GetString(JsonWebToken token, string claim)
        => token.TryGetPayloadValue<string>(claim, out var value) ? value : null;

    private static string Truncate(string? s) => s is null ? "" : s.Length <= 16 ? s : s[..16];

    private static ReadOnlySpan<byte> HeaderHs256 => """{"alg":"HS256","typ":"JWT"}"""u8;
}

/// <summary>The outcome of a token check: <see cref="Reason"/> is a short text safe to return and log (never the token).</summary>
public readonly record struct JwtCheck(bool Succeeded, string? Reason)
{
    public static JwtCheck Ok => new(true, null);

    public static JwtCheck Fail(string reason) => new(false, reason);
}
