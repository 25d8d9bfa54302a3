using System.Buffers;
using System.Security.Cryptography;
using System.Text;

namespace DevOpsProvider.Connect;

/// <summary>
/// The Atlassian Connect query string hash (qsh): SHA-256 over the canonical request
/// <c>METHOD&amp;canonical-path&amp;canonical-query</c>, as Atlassian's <c>atlassian-jwt</c> computes it.
/// One implementation serves incoming checks and outgoing signing.
/// </summary>
public static class QueryStringHash
{
    /// <summary>The literal qsh Jira puts into tokens meant for browser (iframe) contexts.</summary>
    public const string ContextQsh = "context-qsh";

    /// <summary>qsh of a request given as a URL (absolute, or path plus optional query).</summary>
    public static string Compute(string method, string url, string? basePath = null)
    {
        var (path, query) = SplitUrl(url);
        return Compute(method, path, query, basePath);
    }

    /// <summary>qsh of a request given as its raw path (as sent, not decoded) and raw query (with or without '?').</summary>
    public static string Compute(string method, string path, string? query, string? basePath)
        => Hash(CanonicalRequest(method, path, query, basePath));

    public static string Hash(string canonicalRequest)
    {
        var byteCount = Encoding.UTF8.GetByteCount(canonicalRequest);
        var rented = byteCount <= 512 ? null : ArrayPool<byte>.Shared.Rent(byteCount);
        try
        {
            Span<byte> bytes = rented ?? stackalloc byte[byteCount];
            var written = Encoding.UTF8.GetBytes(canonicalRequest, bytes);
            Span<byte> digest = stackalloc byte[SHA256.HashSizeInBytes];
            SHA256.HashData(bytes[..written], digest);
            return Convert.ToHexStringLower(digest);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    /// <summary>True when <paramref name="candidate"/> equals the qsh of the request, compared in constant time.</summary>
    public static bool Matches(string candidate, string method, string path, string? query, string? basePath)
    {
        var expected = Compute(method, path, query, basePath);
        return CryptographicOperations.FixedTimeEquals(
            Encoding.ASCII.GetBytes(candidate), Encoding.ASCII.GetBytes(expected));
    }

    public static string CanonicalRequest(string method, string url, string? basePath = null)
    {
        var (path, query) = SplitUrl(url);
        return CanonicalRequest(method, path, query, basePath);
    }

    public static string CanonicalRequest(string method, string path, string? query, string? basePath)
        => string.Concat(method.ToUpperInvariant(), "&", CanonicalPath(path, basePath), "&", CanonicalQuery(query));

    /// <summary>
    /// The path as sent, with the context path (base path) removed from the front; empty becomes "/";
    /// one trailing "/" removed; "&amp;" becomes "%26". Never decoded or normalised.
    /// </summary>
    public static string CanonicalPath(string path, string? basePath)
    {
        var p = string.IsNullOrEmpty(path) ? "/" : path;
        if (p[0] != '/')
        {
            p = "/" + p;
        }

        var bp = basePath ?? string.Empty;
        if (bp.EndsWith('/'))
        {
            bp = bp[..^1];
        }

        if (bp.Length > 0 && bp[0] != '/')
        {
            bp = "/" + bp;
        }

        // Atlassian strips the context path only when it is a whole leading segment, compared case-sensitively.
        if (bp.Length > 0 && p.StartsWith(bp, StringComparison.Ordinal) && (p.Length == bp.Length || p[bp.Length] == '/'))
        {
            p = p[bp.Length..];
        }

        if (p.Length == 0)
        {
            p = "/";
        }

        if (p.Length > 1 && p[^1] == '/')
        {
            p = p[..^1];
        }

        return p.Contains('&', StringComparison.Ordinal) ? p.Replace("&", "%26", StringComparison.Ordinal) : p;
    }

    /// <summary>
    /// The query decoded as a form would be, "jwt" dropped, names sorted ordinally by decoded text,
    /// repeated values sorted and joined with ",", names and values RFC 3986 encoded.
    /// </summary>
    public static string CanonicalQuery(string? query)
    {
        if (string.IsNullOrEmpty(query))
        {
            return string.Empty;
        }

        var q = query[0] == '?' ? query.AsSpan(1) : query.AsSpan();
        if (q.IsEmpty)
        {
            return string.Empty;
        }

        var parameters = new SortedDictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var range in q.Split('&'))
        {
            var pair = q[range];
            if (pair.IsEmpty)
            {
                continue;
            }

            var eq = pair.IndexOf('=');
            var name = FormDecode(eq < 0 ? pair : pair[..eq]);
            var value = eq < 0 ? string.Empty : FormDecode(pair[(eq + 1)..]);
            if (name == "jwt")
            {
                continue;
            }

            if (!parameters.TryGetValue(name, out var values))
            {
                values = new List<string>(1);
                parameters.Add(name, values);
            }

            values.Add(value);
        }

        var sb = new StringBuilder(query.Length + 16);
        foreach (var (name, values) in parameters)
        {
            if (sb.Length > 0)
            {
                sb.Append('&');
            }

            AppendEncoded(sb, name);
            sb.Append('=');
            if (values.Count > 1)
            {
                values.Sort(StringComparer.Ordinal);
            }

            for (var i = 0; i < values.Count; i++)
            {
                if (i > 0)
                {
                    sb.Append(',');
                }

                AppendEncoded(sb, values[i]);
            }
        }

        return sb.ToString();
    }

    private static (string Path, string? Query) SplitUrl(string url)
    {
        var u = url;
        var schemeEnd = u.IndexOf("://", StringComparison.Ordinal);
        var firstDelimiter = u.IndexOfAny(['/', '?']);
        if (schemeEnd > 0 && schemeEnd < firstDelimiter)
        {
            var pathStart = u.IndexOfAny(['/', '?'], schemeEnd + 3);
            u = pathStart < 0 ? "/" : u[pathStart..];
        }

        var hash = u.IndexOf('#', StringComparison.Ordinal);
        if (hash >= 0)
        {
            u = u[..hash];
        }

        var qm = u.IndexOf('?', StringComparison.Ordinal);
        return qm < 0 ? (u, null) : (u[..qm], u[(qm + 1)..]);
    }

    /// <summary>application/x-www-form-urlencoded decoding: '+' is a space, %XX are UTF-8 bytes.</summary>
    private static string FormDecode(ReadOnlySpan<char> s)
    {
        if (s.IndexOfAny('+', '%') < 0)
        {
            return s.ToString();
        }

        var bytes = new byte[Encoding.UTF8.GetMaxByteCount(s.Length)];
        var n = 0;
        for (var i = 0; i < s.Length; i++)
        {
            var c = s[i];
            if (c == '+')
            {
                bytes[n++] = (byte)' ';
            }
            else if (c == '%' && i + 2 < s.Length && IsHex(s[i + 1]) && IsHex(s[i + 2]))
            {
                bytes[n++] = (byte)((HexValue(s[i + 1]) << 4) | HexValue(s[i + 2]));
                i += 2;
            }
            else
            {
                n += Encoding.UTF8.GetBytes(s.Slice(i, char.IsHighSurrogate(c) && i + 1 < s.Length ? 2 : 1), bytes.AsSpan(n));
                if (char.IsHighSurrogate(c) && i + 1 < s.Length)
                {
                    i++;
                }
            }
        }

        return Encoding.UTF8.GetString(bytes, 0, n);
    }

    private static bool IsHex(char c) => char.IsAsciiHexDigit(c);

    private static int HexValue(char c) => c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;

    /// <summary>RFC 3986 unreserved characters stay; every other UTF-8 byte becomes upper-case %XX.</summary>
    private static void AppendEncoded(StringBuilder sb, string value)
    {
        Span<byte> buffer = stackalloc byte[4];
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_' or '~')
            {
                sb.Append(c);
                continue;
            }

            var len = char.IsHighSurrogate(c) && i + 1 < value.Length ? 2 : 1;
            var count = Encoding.UTF8.GetBytes(value.AsSpan(i, len), buffer);
            i += len - 1;
            for (var b = 0; b < count; b++)
            {
                sb.Append('%').Append(HexUpper[buffer[b] >> 4]).Append(HexUpper[buffer[b] & 0xF]);
            }
        }
    }

    private const string HexUpper = "0123456789ABCDEF";
}
