using System.Net;
using System.Net.Sockets;

namespace DevOpsProvider.Tests.Infrastructure;

public static class Ports
{
    /// <summary>
    /// A loopback port free right now (the app's baseUrl must be known before it starts), picked below Linux's
    /// ephemeral range (32768 and up) so that outgoing connections of parallel tests do not take it in the meantime.
    /// </summary>
    public static int FreeLoopbackPort()
    {
        for (var attempt = 0; attempt < 50; attempt++)
        {
            var port = Random.Shared.Next(20_000, 32_000);
            try
            {
                using var listener = new TcpListener(IPAddress.Loopback, port);
                listener.Start();
                return port;
            }
            catch (SocketException)
            {
                // Taken: try another.
            }
        }

        using var any = new TcpListener(IPAddress.Loopback, 0);
        any.Start();
        return ((IPEndPoint)any.LocalEndpoint).Port;
    }
}
