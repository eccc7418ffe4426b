using System.Text;
using EventPipeline.Sources.Graph;

namespace EventPipeline.Sources.Tests.Graph;

/// <summary><see cref="GraphSignature"/>: every notification's clientState must be an active secret.</summary>
public sealed class GraphSignatureTests
{
    private static readonly DateTimeOffset ReceivedAt = new(2024, 5, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Verify_OneNotificationWithWrongClientState_Fails()
    {
        var body = GraphNotifications.Body(("created", "a/b"), ("created", "a/c"));
        var second = body.LastIndexOf(TestSecrets.Shared, StringComparison.Ordinal);
        body = body.Remove(second, TestSecrets.Shared.Length).Insert(second, "not-the-secret");
        var request = new WebhookRequest("POST", "https://h/x", new Dictionary<string, string>(), Encoding.UTF8.GetBytes(body));

        var result = new GraphSignature().Verify(request, [TestSecrets.Shared], ReceivedAt);

        Assert.False(result.Ok);
        Assert.Equal("value[1].clientState mismatch", result.Reason);
    }
}
