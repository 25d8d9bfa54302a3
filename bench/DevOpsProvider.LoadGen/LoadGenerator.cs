using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace DevOpsProvider.LoadGen;

/// <summary>What to send: one method and path, fixed headers, and bodies used in turn (each a separate request).</summary>
/// <param name="Endpoint">Loopback address and port of the server.</param>
/// <param name="Connections">Keep-alive connections, each with one request in flight (closed-loop, no pipelining).</param>
public sealed record LoadSpec(
    IPEndPoint Endpoint, string Method, string PathAndQuery, IReadOnlyList<KeyValuePair<string, string>> Headers,
    IReadOnlyList<string> Bodies, int Connections, TimeSpan Warmup, TimeSpan Duration);

/// <summary>
/// A closed-loop HTTP/1.1 load generator over raw sockets: N connections, each sending a pre-built request and
/// reading the whole answer before the next. Raw sockets keep the generator's own CPU share small, which matters
/// when it shares two cores with the server under test. Bounded in time: warm-up, then the measured window.
/// </summary>
public static class LoadGenerator
{
    private const int Warmup = 0;
    private const int Measuring = 1;
    private const int Stopped = 2;

    public static async Task<LoadResult> RunAsync(LoadSpec spec, Func<(double Server, double Database)>? cpuProbe = null)
    {
        if (!IPAddress.IsLoopback(spec.Endpoint.Address))
        {
            throw new ArgumentException("The load generator only targets loopback addresses.", nameof(spec));
        }

        var requests = spec.Bodies.Select(b => Build(spec, b)).ToArray();
        var phase = new Phase();
        var workers = Enumerable.Range(0, spec.Connections)
            .Select(i => Task.Run(() => ConnectionLoopAsync(spec.Endpoint, requests, i, phase)))
            .ToArray();

        await Task.Delay(spec.Warmup);
        var cpuBefore = cpuProbe?.Invoke() ?? default;
        var started = Stopwatch.GetTimestamp();
        Volatile.Write(ref phase.Value, Measuring);
        await Task.Delay(spec.Duration);
        Volatile.Write(ref phase.Value, Stopped);
        var elapsed = Stopwatch.GetElapsedTime(started);
        var cpuAfter = cpuProbe?.Invoke() ?? default;
        var results = await Task.WhenAll(workers);
        return LoadResult.From(results, elapsed, cpuAfter.Server - cpuBefore.Server, cpuAfter.Database - cpuBefore.Database);
    }

    private static async Task<ConnectionStats> ConnectionLoopAsync(IPEndPoint endpoint, byte[][] requests, int offset, Phase phase)
    {
        var stats = new ConnectionStats();
        var buffer = new byte[64 * 1024];
        var next = offset;
        while (Volatile.Read(ref phase.Value) != Stopped)
        {
            using var socket = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(endpoint);
                while (true)
                {
                    var state = Volatile.Read(ref phase.Value);
                    if (state == Stopped)
                    {
                        return stats;
                    }

                    var request = requests[next++ % requests.Length];
                    var start = Stopwatch.GetTimestamp();
                    await socket.SendAsync(request, SocketFlags.None);
                    var (status, keepAlive) = await ReadResponseAsync(socket, buffer);
                    var ticks = Stopwatch.GetTimestamp() - start;
                    if (state == Measuring)
                    {
                        stats.Record(status, ticks);
                    }

                    if (!keepAlive)
                    {
                        break;
                    }
                }
            }
            catch (Exception ex) when (ex is SocketException or IOException or InvalidDataException)
            {
                if (Volatile.Read(ref phase.Value) == Measuring)
                {
                    stats.Errors++;
                    stats.LastError = ex.Message;
                }
            }
        }

        return stats;
    }

    /// <summary>Reads one response: status line, headers, then a Content-Length or chunked body (small answers only).</summary>
    private static async Task<(int Status, bool KeepAlive)> ReadResponseAsync(Socket socket, byte[] buffer)
    {
        var length = 0;
        var headerEnd = -1;
        while (headerEnd < 0)
        {
            length += await ReceiveAsync(socket, buffer, length);
            headerEnd = buffer.AsSpan(0, length).IndexOf("\r\n\r\n"u8);
        }

        var head = Encoding.ASCII.GetString(buffer, 0, headerEnd);
        var status = int.Parse(head.AsSpan(9, 3), provider: System.Globalization.CultureInfo.InvariantCulture);
        var contentLength = 0;
        var chunked = false;
        var keepAlive = true;
        foreach (var line in head.Split("\r\n").Skip(1))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                continue;
            }

            var name = line[..colon].Trim();
            var value = line[(colon + 1)..].Trim();
            if (name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
            {
                contentLength = int.Parse(value, System.Globalization.CultureInfo.InvariantCulture);
            }
            else if (name.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase))
            {
                chunked = value.Contains("chunked", StringComparison.OrdinalIgnoreCase);
            }
            else if (name.Equals("Connection", StringComparison.OrdinalIgnoreCase))
            {
                keepAlive = !value.Equals("close", StringComparison.OrdinalIgnoreCase);
            }
        }

        var bodyStart = headerEnd + 4;
        if (chunked)
        {
            // The answers here are a few hundred bytes: read until the last chunk's terminator arrives.
            while (!buffer.AsSpan(bodyStart, length - bodyStart).EndsWith("0\r\n\r\n"u8))
            {
                length += await ReceiveAsync(socket, buffer, length);
            }
        }
        else
        {
            while (length - bodyStart < contentLength)
            {
                length += await ReceiveAsync(socket, buffer, length);
            }
        }

        return (status, keepAlive);
    }

    private static async Task<int> ReceiveAsync(Socket socket, byte[] buffer, int offset)
    {
        if (offset == buffer.Length)
        {
            throw new InvalidDataException("The answer is larger than the load generator's buffer.");
        }

        var read = await socket.ReceiveAsync(buffer.AsMemory(offset), SocketFlags.None);
        return read > 0 ? read : throw new IOException("The server closed the connection.");
    }

    private static byte[] Build(LoadSpec spec, string body)
    {
        var bodyBytes = Encoding.UTF8.GetBytes(body);
        var head = new StringBuilder()
            .Append(spec.Method).Append(' ').Append(spec.PathAndQuery).Append(" HTTP/1.1\r\n")
            .Append("Host: ").Append(spec.Endpoint).Append("\r\n");
        foreach (var (name, value) in spec.Headers)
        {
            head.Append(name).Append(": ").Append(value).Append("\r\n");
        }

        head.Append("Content-Length: ").Append(bodyBytes.Length).Append("\r\n\r\n");
        return [.. Encoding.ASCII.GetBytes(head.ToString()), .. bodyBytes];
    }

    private sealed class Phase
    {
        public int Value = Warmup;
    }
}

/// <summary>One connection's counts and latencies (Stopwatch ticks) within the measured window.</summary>
internal sealed class ConnectionStats
{
    public List<long> Latencies { get; } = new(64 * 1024);

    public Dictionary<int, long> Statuses { get; } = [];

    public long Errors { get; set; }

    public string? LastError { get; set; }

    public void Record(int status, long ticks)
    {
        Latencies.Add(ticks);
        Statuses[status] = Statuses.GetValueOrDefault(status) + 1;
    }
}
