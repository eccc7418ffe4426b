using System.Net;
using System.Net.Sockets;

namespace EventPipeline.Local.Emulators;

/// <summary>Loopback port helpers.</summary>
public static class LocalPorts
{
    /// <summary><c>http://127.0.0.1:{port}</c>: where an emulator on <paramref name="port"/> answers.</summary>
    public static Uri LoopbackUrl(int port) => new($"http://127.0.0.1:{port.ToString(System.Globalization.CultureInfo.InvariantCulture)}");

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

    /// <summary>Waits briefly for <paramref name="port"/> to be free; fails with an actionable message if it stays taken.</summary>
    public static async Task EnsureFreeAsync(int port, CancellationToken cancellationToken)
    {
        // A just-stopped emulator may hold the port for a moment while it dies; give it a few seconds.
        for (var attempt = 0; attempt < 25 && IsInUse(port); attempt++)
        {
            await Task.Delay(200, cancellationToken);
        }

        if (IsInUse(port))
        {
            throw new EmulatorException(
                $"Port {port} on 127.0.0.1 is already in use: stop whatever listens there (another local stack?) or choose another port (0 picks a free one).");
        }
    }
}
