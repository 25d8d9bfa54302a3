using System.Net;
using System.Net.Sockets;

namespace DevOpsProvider.Tests.Infrastructure;

public static class Ports
{
    /// <summary>A loopback port free right now (the app's baseUrl must be known before it starts).</summary>
    public static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
