using System.Net;
using EventPipeline.Local.Gateway;
using Microsoft.AspNetCore.Http;

namespace EventPipeline.Local.Tests.Gateway;

/// <summary>The rules themselves, on request objects: nothing running.</summary>
public sealed class LocalAccessTests
{
    private readonly LocalAccess _access = new("0123456789abcdef0123456789abcdef", ["devbox.internal"]);

    [Theory]
    [InlineData("localhost:4510", true)]
    [InlineData("127.0.0.1:4510", true)]
    [InlineData("[::1]:4510", true)]
    [InlineData("LOCALHOST", true)]
    [InlineData("devbox.internal:4510", true)]
    [InlineData("evil.example:4510", false)]
    [InlineData("127.0.0.1.evil.example", false)]
    [InlineData("localhost.evil.example", false)]
    [InlineData("", false)]
    public void IsAllowedHost_LoopbackOrConfiguredNamesOnly(string host, bool allowed)
    {
        Assert.Equal(allowed, _access.IsAllowedHost(new HostString(host)));
    }

    [Theory]
    [InlineData(null, true)]
    [InlineData("", true)]
    [InlineData("http://127.0.0.1:4510", true)]
    [InlineData("http://localhost:3000", true)]
    [InlineData("https://devbox.internal", true)]
    [InlineData("http://evil.example", false)]
    [InlineData("null", false)]
    [InlineData("file://", false)]
    public void IsAllowedOrigin_AbsentOrLoopbackPagesOnly(string? origin, bool allowed)
    {
        Assert.Equal(allowed, _access.IsAllowedOrigin(origin));
    }

    [Theory]
    [InlineData("Bearer 0123456789abcdef0123456789abcdef", true)]
    [InlineData("bearer 0123456789abcdef0123456789abcdef", true)]
    [InlineData("Bearer 0123456789abcdef0123456789abcdee", false)]
    [InlineData("Bearer 0123456789abcdef0123456789abcdef0", false)]
    [InlineData("Basic 0123456789abcdef0123456789abcdef", false)]
    [InlineData("", false)]
    public void IsAdmin_OnlyTheExactBearerToken(string authorization, bool admin)
    {
        var ctx = new DefaultHttpContext();
        ctx.Request.Headers.Authorization = authorization;

        Assert.Equal(admin, _access.IsAdmin(ctx.Request));
    }

    [Theory]
    [InlineData("127.0.0.1", true)]
    [InlineData("::1", true)]
    [InlineData("192.168.1.20", false)]
    public void IsLoopbackCaller_ByRemoteAddress(string address, bool loopback)
    {
        var ctx = new DefaultHttpContext();
        ctx.Connection.RemoteIpAddress = IPAddress.Parse(address);

        Assert.Equal(loopback, LocalAccess.IsLoopbackCaller(ctx));
    }
}
