using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace EventPipeline.Local.Gateway;

/// <summary>
/// Who may reach the local stack's HTTP surfaces (the gateway and the local AWS endpoint), and what needs the admin token.
/// A web page the developer opens can make the browser send requests to loopback ports, and with DNS rebinding even read
/// the answers under its own name: so a request whose <c>Host</c> is not a loopback name (or one configured with
/// <c>up --allow-host</c>) is refused with 421, and a WebSocket upgrade from a foreign <c>Origin</c> with 403. Routes that
/// show tenant data or mint tokens additionally need the admin token (<c>Authorization: Bearer …</c>).
/// </summary>
public sealed class LocalAccess
{
    private static readonly string[] LoopbackNames = ["localhost", "127.0.0.1", "::1", "[::1]"];
    private readonly HashSet<string> _hosts;
    private readonly byte[] _adminToken;

    /// <summary>Loopback names and <paramref name="extraHosts"/> (host names, no port) are allowed.</summary>
    public LocalAccess(string adminToken, IEnumerable<string>? extraHosts = null, bool openDevToken = false)
    {
        ArgumentException.ThrowIfNullOrEmpty(adminToken);
        _adminToken = Encoding.UTF8.GetBytes(adminToken);
        _hosts = new HashSet<string>(LoopbackNames.Concat(extraHosts ?? []), StringComparer.OrdinalIgnoreCase);
        OpenDevToken = openDevToken;
    }

    /// <summary>Whether <c>/dev/token</c> answers loopback callers without the admin token (<c>up --open-dev-token</c>).</summary>
    public bool OpenDevToken { get; }

    /// <summary>True when <paramref name="host"/> (a <c>Host</c> header value, port included or not) is allowed.</summary>
    public bool IsAllowedHost(HostString host) => host.HasValue && _hosts.Contains(host.Host);

    /// <summary>True when <paramref name="origin"/> is absent (not a browser) or names an allowed host.</summary>
    public bool IsAllowedOrigin(string? origin)
    {
        if (string.IsNullOrEmpty(origin))
        {
            return true;
        }

        // "null" (a sandboxed frame, a file:// page) is not an absolute URL and is refused like any other foreign origin.
        return Uri.TryCreate(origin, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" && _hosts.Contains(uri.Host);
    }

    /// <summary>True when <paramref name="request"/> carries the admin token as a bearer token (compared in constant time).</summary>
    public bool IsAdmin(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var header = request.Headers.Authorization.ToString();
        const string prefix = "Bearer ";
        if (!header.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        var presented = Encoding.UTF8.GetBytes(header[prefix.Length..].Trim());
        return CryptographicOperations.FixedTimeEquals(presented, _adminToken);
    }

    /// <summary>True when the caller connected from a loopback address.</summary>
    public static bool IsLoopbackCaller(HttpContext ctx)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        return ctx.Connection.RemoteIpAddress is { } ip && IPAddress.IsLoopback(ip);
    }

    /// <summary>
    /// The check every request passes first: 421 for a foreign <c>Host</c>, 403 for a WebSocket upgrade from a foreign
    /// <c>Origin</c>. Returns false when it has answered the request.
    /// </summary>
    public async Task<bool> AdmitAsync(HttpContext ctx)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        if (!IsAllowedHost(ctx.Request.Host))
        {
            ctx.Response.StatusCode = StatusCodes.Status421MisdirectedRequest;
            ctx.Response.ContentType = "application/json";
            await ctx.Response.WriteAsync("""{"message":"Host: must be a loopback name (localhost, 127.0.0.1, [::1]) or one given with up --allow-host"}""", ctx.RequestAborted);
            return false;
        }

        if (ctx.WebSockets.IsWebSocketRequest && !IsAllowedOrigin(ctx.Request.Headers.Origin.ToString()))
        {
            ctx.Response.StatusCode = StatusCodes.Status403Forbidden;
            ctx.Response.ContentType = "application/json";
            await ctx.Response.WriteAsync("""{"message":"Origin: must be a page served from a loopback name or one given with up --allow-host"}""", ctx.RequestAborted);
            return false;
        }

        return true;
    }
}
