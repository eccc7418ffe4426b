using System.Text;
using EventPipeline.Aws.Clients;
using EventPipeline.Local.Iam;
using Microsoft.AspNetCore.Http;

namespace EventPipeline.Local.Tests.Iam;

/// <summary>The local AWS endpoint checks signatures as AWS does (nothing running: requests built in memory).</summary>
public sealed class SigV4VerifierTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 10, 0, 0, TimeSpan.Zero);
    private static readonly SigV4Credentials Credentials = new("AKIDLOCAL", "the-secret", null);

    /// <summary>A request as a client sends it: signed by <see cref="SigV4Signer"/> for <paramref name="uri"/>.</summary>
    private static DefaultHttpContext Signed(string uri, string body, DateTimeOffset at, SigV4Credentials? credentials = null)
    {
        var target = new Uri(uri);
        var headers = new Dictionary<string, string> { ["content-type"] = "application/x-amz-json-1.0", ["x-amz-target"] = "DynamoDB_20120810.ListTables" };
        var signed = SigV4Signer.Sign("POST", target, headers, Encoding.UTF8.GetBytes(body), credentials ?? Credentials, "us-east-1", "dynamodb", at);
        var ctx = new DefaultHttpContext();
        ctx.Request.Method = "POST";
        ctx.Request.Host = new HostString(target.Authority);
        ctx.Request.Path = PathString.FromUriComponent(target.AbsolutePath);
        ctx.Request.QueryString = new QueryString(target.Query);
        // What Kestrel keeps: the target exactly as it arrived, escapes and all.
        ctx.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpRequestFeature>()!.RawTarget = target.PathAndQuery;
        ctx.Request.Headers.Authorization = signed.Authorization;
        ctx.Request.Headers["x-amz-date"] = signed.AmzDate;
        foreach (var (name, value) in headers)
        {
            ctx.Request.Headers[name] = value;
        }

        return ctx;
    }

    [Fact]
    public void Verify_RequestSignedWithTheSecret_Valid()
    {
        var ctx = Signed("http://127.0.0.1:4599/", "{}", Now);

        Assert.Null(SigV4Verifier.Verify(ctx.Request, "{}"u8, "the-secret", Now));
    }

    [Fact]
    public void Verify_PathAndQueryNeedingEncoding_Valid()
    {
        var ctx = Signed("http://127.0.0.1:4599/live/%40connections/abc%3D?x=a%20b&a=1", "{}", Now);
        Assert.Null(SigV4Verifier.Verify(ctx.Request, "{}"u8, "the-secret", Now));
    }

    [Fact]
    public void Verify_WrongSecret_SignatureDoesNotMatch()
    {
        var ctx = Signed("http://127.0.0.1:4599/", "{}", Now);

        Assert.Equal("SignatureDoesNotMatch", SigV4Verifier.Verify(ctx.Request, "{}"u8, "another-secret", Now)?.Code);
    }

    [Fact]
    public void Verify_BodyChangedAfterSigning_SignatureDoesNotMatch()
    {
        var ctx = Signed("http://127.0.0.1:4599/", """{"Limit":1}""", Now);

        Assert.Equal("SignatureDoesNotMatch", SigV4Verifier.Verify(ctx.Request, """{"Limit":100}"""u8, "the-secret", Now)?.Code);
    }

    [Fact]
    public void Verify_SignedHeaderChangedAfterSigning_SignatureDoesNotMatch()
    {
        var ctx = Signed("http://127.0.0.1:4599/", "{}", Now);
        ctx.Request.Headers["x-amz-target"] = "DynamoDB_20120810.DeleteTable";

        Assert.Equal("SignatureDoesNotMatch", SigV4Verifier.Verify(ctx.Request, "{}"u8, "the-secret", Now)?.Code);
    }

    [Fact]
    public void Verify_SignedTwentyMinutesAgo_Expired()
    {
        var ctx = Signed("http://127.0.0.1:4599/", "{}", Now.AddMinutes(-20));

        var problem = SigV4Verifier.Verify(ctx.Request, "{}"u8, "the-secret", Now);

        Assert.Equal("InvalidSignatureException", problem?.Code);
        Assert.StartsWith("Signature expired", problem?.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_NoAuthorization_Incomplete()
    {
        var ctx = new DefaultHttpContext();

        Assert.Equal("IncompleteSignatureException", SigV4Verifier.Verify(ctx.Request, [], "the-secret", Now)?.Code);
    }
}
