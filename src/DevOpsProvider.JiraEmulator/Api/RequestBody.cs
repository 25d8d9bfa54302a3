using Microsoft.AspNetCore.Http.Features;

namespace DevOpsProvider.JiraEmulator;

/// <summary>Reads a request body up to a limit, checked on Content-Length and again while reading.</summary>
internal static class RequestBody
{
    /// <summary>How much of an oversized body is read and thrown away so the client still gets to read the 413.</summary>
    private const long MaxDrainBytes = 64L * 1024 * 1024;

    /// <summary>The body and its length; null body when it is larger than <paramref name="maxBytes"/>.</summary>
    public static async Task<(ReadOnlyMemory<byte>? Body, long Length)> ReadAsync(HttpContext context, int maxBytes)
    {
        // The emulator enforces its own limit (Emulator:MaxPayloadBytes), which may be above Kestrel's default.
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = null;
        }

        var declared = context.Request.ContentLength;
        if (declared > maxBytes)
        {
            return (null, await DrainAsync(context, 0));
        }

        var buffer = new MemoryStream(declared is { } n ? (int)n : 64 * 1024);
        var chunk = new byte[64 * 1024];
        int read;
        while ((read = await context.Request.Body.ReadAsync(chunk, context.RequestAborted)) > 0)
        {
            if (buffer.Length + read > maxBytes)
            {
                return (null, await DrainAsync(context, buffer.Length + read));
            }

            buffer.Write(chunk, 0, read);
        }

        return (new ReadOnlyMemory<byte>(buffer.GetBuffer(), 0, (int)buffer.Length), buffer.Length);
    }

    private static async Task<long> DrainAsync(HttpContext context, long alreadyRead)
    {
        var total = alreadyRead;
        var chunk = new byte[64 * 1024];
        int read;
        while (total < MaxDrainBytes && (read = await context.Request.Body.ReadAsync(chunk, context.RequestAborted)) > 0)
        {
            total += read;
        }

        return total;
    }
}
