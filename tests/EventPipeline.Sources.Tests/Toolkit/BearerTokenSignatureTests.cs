using System.Text;
using EventPipeline.Sources.CloudEvents;
using EventPipeline.Sources.Csv;
using EventPipeline.Sources.EventBridge;
using EventPipeline.Sources.Salesforce;

namespace EventPipeline.Sources.Tests.Toolkit;

/// <summary><see cref="Sources.Toolkit.BearerTokenSignature"/>, the shared-secret scheme of the relayed sources (Salesforce, EventBridge, CloudEvents, CSV).</summary>
public sealed class BearerTokenSignatureTests
{
    private static readonly byte[] Body = Encoding.UTF8.GetBytes("{\"a\":1}");
    private static readonly DateTimeOffset Now = DateTimeOffset.UnixEpoch;

    private static WebhookRequest Request(params (string Name, string Value)[] headers) =>
        new("POST", "https://h/x", headers.ToDictionary(h => h.Name, h => h.Value), Body);

    public static TheoryData<IWebhookAuthenticator> BearerSources() =>
        [new SalesforceSignature(), new EventBridgeSignature(), new CloudEventsSignature(), new CsvSignature()];

    [Theory]
    [MemberData(nameof(BearerSources))]
    public void Verify_BearerToken_AcceptsActiveSecretsOnly(IWebhookAuthenticator authenticator)
    {
        Assert.True(authenticator.Verify(Request(("authorization", "Bearer s2")), ["s1", "s2"], Now).Ok);
        Assert.True(authenticator.Verify(Request(("Authorization", "bearer s1")), ["s1"], Now).Ok);

        var wrong = authenticator.Verify(Request(("authorization", "Bearer s3")), ["s1", "s2"], Now);
        Assert.False(wrong.Ok);
        Assert.Equal("bearer token mismatch", wrong.Reason);
        Assert.Equal("missing Authorization header", authenticator.Verify(Request(), ["s1"], Now).Reason);
        Assert.Equal("Authorization header must use the Bearer scheme", authenticator.Verify(Request(("authorization", "Basic czE=")), ["s1"], Now).Reason);
        Assert.False(authenticator.Verify(Request(("authorization", "Bearer ")), [""], Now).Ok);
    }
}
