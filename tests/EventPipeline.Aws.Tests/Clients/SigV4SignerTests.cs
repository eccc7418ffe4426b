using Amazon.Runtime;
using Amazon.Runtime.Signing;
using EventPipeline.Aws.Clients;

namespace EventPipeline.Aws.Tests.Clients;

/// <summary>Vectors from AWS's published SigV4 test suite (credentials AKIDEXAMPLE, 2015-08-30T12:36:00Z, us-east-1, service "service").</summary>
public class SigV4SignerTests
{
    private const string Scope = "AKIDEXAMPLE/20150830/us-east-1/service/aws4_request";
    private const string SuiteToken =
        "AQoDYXdzEPT//////////wEXAMPLEtc764bNrC9SAPBSM22wDOk4x4HIZ8j4FZTwdQWLWsKWHGBuFqwAeMicRXmxfpSPfIeoIYRqTflfKD8YUuwthAx7mSEI/" +
        "qkPpKPi/kMcGdQrmGdeehM4IC1NtBmUpp2wUE8phUZampKsburEDy0KPkyQDYwT7WZ0wq5VSXDvp75YU9HFvlRd8Tx6q6fE8YQcHNVXAkiY9q6d+xo0rKwT38xVqr7ZD0u0iPPkUL64lIZbqBAz+" +
        "scqKmlzm8FDrypNC9Yjc8fPOLn9FX9KSYvKTr4rvx3iSIlTJabIQwj2ICCR/oLxBA==";

    private static readonly DateTimeOffset SuiteTime = new(2015, 8, 30, 12, 36, 0, TimeSpan.Zero);
    private static readonly SigV4Credentials SuiteCredentials = new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", null);

    [Theory]
    [InlineData("GET", "https://example.amazonaws.com/", "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31")] // get-vanilla
    [InlineData("GET", "https://example.amazonaws.com/?Param2=value2&Param1=value1", "b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500")] // get-vanilla-query-order-key-case
    [InlineData("POST", "https://example.amazonaws.com/", "5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b")] // post-vanilla
    public void Sign_SuiteVectorWithoutBody_MatchesPublishedSignature(string method, string url, string signature)
    {
        var result = SigV4Signer.Sign(method, new Uri(url), [], [], SuiteCredentials, "us-east-1", "service", SuiteTime);

        Assert.Equal($"AWS4-HMAC-SHA256 Credential={Scope}, SignedHeaders=host;x-amz-date, Signature={signature}", result.Authorization);
        Assert.Equal("20150830T123600Z", result.AmzDate);
    }

    [Fact]
    public void Sign_PostXWwwFormUrlencoded_MatchesPublishedSignature()
    {
        var result = SigV4Signer.Sign(
            "POST", new Uri("https://example.amazonaws.com/"), [new("Content-Type", "application/x-www-form-urlencoded")],
            "Param1=value1"u8, SuiteCredentials, "us-east-1", "service", SuiteTime);

        Assert.Equal(
            $"AWS4-HMAC-SHA256 Credential={Scope}, SignedHeaders=content-type;host;x-amz-date, Signature=ff11897932ad3f4e8b18135d722051e5ac45fc38421b1da7b9d196a0fe09473a",
            result.Authorization);
    }

    [Fact]
    public void Sign_PostStsHeaderBefore_SignsSessionTokenAndMatchesPublishedSignature()
    {
        var result = SigV4Signer.Sign(
            "POST", new Uri("https://example.amazonaws.com/"), [], [], SuiteCredentials with { SessionToken = SuiteToken }, "us-east-1", "service", SuiteTime);

        Assert.Equal(
            $"AWS4-HMAC-SHA256 Credential={Scope}, SignedHeaders=host;x-amz-date;x-amz-security-token, Signature=85d96828115b5dc0cfc3bd16ad9e210dd772bbebba041836c64533a82be05ead",
            result.Authorization);
    }

    [Theory]
    [InlineData("https://abc123.execute-api.eu-west-1.amazonaws.com/prod/@connections/L0SM9cOFvHcCIhw%3D", "execute-api")]
    [InlineData("http://127.0.0.1:4599/", "kinesis")]
    [InlineData("https://states.eu-west-1.amazonaws.com/", "states")]
    public void Sign_SameRequestAsSdkSigner_ProducesSameSignature(string url, string service)
    {
        // AWSSDK.Core's standalone signer always signs X-Amz-Content-SHA256; sign the same header set here and compare,
        // which checks path double-encoding, host with port, and header canonicalization against the SDK.
        var body = """{"StreamName":"events"}"""u8.ToArray();
        var at = new DateTime(2026, 3, 1, 8, 30, 15, DateTimeKind.Utc);
        var sdkRequest = new AWSSigningRequest { HttpMethod = HttpMethod.Post, RequestUri = new Uri(url), Content = body };
        sdkRequest.Headers["Content-Type"] = "application/x-amz-json-1.1";
        sdkRequest.Headers["X-Amz-Target"] = "Kinesis_20131202.PutRecord";
        var sdk = AWSSigV4Signer.Sign(sdkRequest, new AWSSigV4Parameters
        {
            Credentials = new SessionAWSCredentials("AKIDTEST", "secret", "session-token"),
            Region = Amazon.RegionEndpoint.EUWest1,
            Service = service,
            SignedAt = at,
        });

        var ours = SigV4Signer.Sign(
            "POST",
            new Uri(url),
            [
                new("Content-Type", "application/x-amz-json-1.1"),
                new("X-Amz-Target", "Kinesis_20131202.PutRecord"),
                new("X-Amz-Content-SHA256", SigV4Signer.HexSha256(body)),
            ],
            body,
            new SigV4Credentials("AKIDTEST", "secret", "session-token"),
            "eu-west-1",
            service,
            at);

        Assert.Equal(sdk.Headers["Authorization"], ours.Authorization);
    }

    [Fact]
    public void UriEncode_ReservedAndUnreserved_EncodesAllButUnreserved()
    {
        Assert.Equal("aZ09-_.~%2F%3D%40%20%E1%88%B4", SigV4Signer.UriEncode("aZ09-_.~/=@ \u1234"));
    }
}
