using System.Net;
using System.Net.Sockets;

namespace EventPipeline.Local.Emulators;

/// <summary>Loopback port helpers.</summary>
public static class LocalPorts
{
    /// <summary>A TCP port that was free on 127.0.0.1 a moment ago (the OS picks it).</summary>
    public static int PickFree()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    /// <summary><paramref name="port"/>, or a free port when it is 0.</summary>
    public static int Resolve(int port) => port == 0 ? PickFree() : port;

    /// <summary>True when something accepts connections on 127.0.0.1:<paramref name="port"/>.</summary>
    public static bool IsInUse(int port)
    {
        try
        {
            using var client = new TcpClient();
            client.Connect(IPAddress.Loopback, port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
