using EventPipeline.Aws.Clients;
using EventPipeline.StepFunctions.Local.Clients;
using EventPipeline.StepFunctions.Local.Outbox;
using EventPipeline.StepFunctions.Local.Tests.Support;

namespace EventPipeline.StepFunctions.Local.Tests.Clients;

[Collection(MotoCollection.Name)]
public sealed class SnsClientTests(MotoServer moto)
{
    [MotoFact]
    public async Task PublishAsync_PhoneNumber_ReturnsMessageIdAndMotoKeepsTheSmsTextIntact()
    {
        using var sns = new SnsClient(moto.Endpoint, MotoServer.ClientConfig, moto.Http);
        var text = $"call back & pay=1+1 é ✓ {Guid.NewGuid():N}";

        var messageId = await sns.PublishAsync(new SnsPublishRequest(text, PhoneNumber: "+15555550100"), CancellationToken.None);

        var sms = Assert.Single(await new MotoOutbox(moto.Endpoint, moto.Http).ReadAllAsync(CancellationToken.None), e => e.MessageId == messageId);
        Assert.Equal((OutboxChannels.Sms, "+15555550100", text, (string?)null), (sms.Channel, sms.To, sms.Message, sms.Subject));
    }

    [MotoFact]
    public async Task PublishAsync_SmsOver1600Bytes_ThrowsInvalidParameterFromTheXmlError()
    {
        using var sns = new SnsClient(moto.Endpoint, MotoServer.ClientConfig, moto.Http);

        var e = await Assert.ThrowsAsync<AwsServiceException>(() =>
            sns.PublishAsync(new SnsPublishRequest(new string('x', 1700), PhoneNumber: "+15555550100"), CancellationToken.None));

        Assert.Equal(400, e.StatusCode);
        Assert.Equal("InvalidParameter", e.ErrorCode);
    }

    [MotoFact]
    public async Task PublishAsync_UnknownTopic_ThrowsNotFound()
    {
        using var sns = new SnsClient(moto.Endpoint, MotoServer.ClientConfig, moto.Http);

        var e = await Assert.ThrowsAsync<AwsServiceException>(() =>
            sns.PublishAsync(new SnsPublishRequest("x", TopicArn: "arn:aws:sns:us-east-1:123456789012:nope"), CancellationToken.None));

        Assert.Equal("NotFound", e.ErrorCode);
    }

    [MotoFact]
    public async Task PublishAsync_AnySms_IsAQueryProtocolFormSignedForSns()
    {
        using var recording = new RecordingHandler();
        using var http = new HttpClient(recording);
        using var sns = new SnsClient(moto.Endpoint, MotoServer.ClientConfig, http);

        await sns.PublishAsync(new SnsPublishRequest("a b&c", PhoneNumber: "+15555550100"), CancellationToken.None);

        var sent = Assert.Single(recording.Sent);
        Assert.Equal(("POST", "/"), (sent.Method, sent.Uri.AbsolutePath));
        Assert.Equal("application/x-www-form-urlencoded; charset=utf-8", sent.ContentType);
        Assert.Equal("Action=Publish&Version=2010-03-31&Message=a%20b%26c&PhoneNumber=%2B15555550100", sent.Body);
        Assert.Contains($"/{MotoServer.Region}/sns/aws4_request", sent.Authorization, StringComparison.Ordinal);
    }
}
