using System.Net;
using System.Text;
using EventPipeline.StepFunctions.Local.Clients;
using EventPipeline.StepFunctions.Local.Outbox;
using EventPipeline.StepFunctions.Local.Tests.Support;

namespace EventPipeline.StepFunctions.Local.Tests.Outbox;

[Collection(MotoCollection.Name)]
public sealed class MotoOutboxTests(MotoServer moto)
{
    // Trimmed from what moto 5.2.1 answers at /moto-api/data.json after one SES v2 SendEmail and one SNS SMS.
    private const string DataJson = """
        {"ses":{"EmailIdentity":[{"email_identity":"a@example.com"}],
                "Message":[{"body":"hello","destinations":{"ToAddresses":["b@example.com","c@example.com"],"BccAddresses":["d@example.com"]},
                            "id":"yuvkclhizclzqfmu-ecdcwbxq","source":"a@example.com","subject":"S"}],
                "RawMessage":[],"TemplateMessage":[]},
         "sns":{"SMS":[{"message":"sms hi","message_id":"cb5b1bd9-fa42","phone_number":"+15555550100"}],"Topic":[]},
         "sqs":{"Queue":[]}}
        """;

    [Fact]
    public async Task ReadAllAsync_MotoDataJson_OneEntryPerRecipientThenEachSms()
    {
        using var http = new HttpClient(new CannedResponse(DataJson));

        var entries = await new MotoOutbox(new Uri("http://moto.test:5000/"), http).ReadAllAsync(CancellationToken.None);

        Assert.Equal(
            [
                new OutboxEntry(OutboxChannels.Email, "b@example.com", "S", "hello", "yuvkclhizclzqfmu-ecdcwbxq", "a@example.com"),
                new OutboxEntry(OutboxChannels.Email, "c@example.com", "S", "hello", "yuvkclhizclzqfmu-ecdcwbxq", "a@example.com"),
                new OutboxEntry(OutboxChannels.Email, "d@example.com", "S", "hello", "yuvkclhizclzqfmu-ecdcwbxq", "a@example.com"),
                new OutboxEntry(OutboxChannels.Sms, "+15555550100", null, "sms hi", "cb5b1bd9-fa42"),
            ],
            entries);
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("""{"ses":{},"sns":{"SMS":"unexpected"}}""")]
    public async Task ReadAllAsync_NothingSentOrUnknownShape_ReturnsNoEntries(string json)
    {
        using var http = new HttpClient(new CannedResponse(json));

        Assert.Empty(await new MotoOutbox(new Uri("http://moto.test:5000/"), http).ReadAllAsync(CancellationToken.None));
    }

    [MotoFact]
    public async Task ReadAllAsync_RealMotoAfterSendEmailAndPublish_ListsBothWithTheirMessageIds()
    {
        using var ses = new SesV2Client(moto.Endpoint, MotoServer.ClientConfig, moto.Http);
        using var sns = new SnsClient(moto.Endpoint, MotoServer.ClientConfig, moto.Http);
        var from = $"outbox-{Guid.NewGuid():N}@example.com";
        await ses.CreateEmailIdentityAsync(from, CancellationToken.None);
        var emailId = await ses.SendEmailAsync(new SesV2Email(from, ["ops@example.com"], "Reminder", "mail body"), CancellationToken.None);
        var smsId = await sns.PublishAsync(new SnsPublishRequest("sms body", PhoneNumber: "+15555550199"), CancellationToken.None);

        var entries = await new MotoOutbox(moto.Endpoint, moto.Http).ReadAllAsync(CancellationToken.None);

        Assert.Equal(new OutboxEntry(OutboxChannels.Email, "ops@example.com", "Reminder", "mail body", emailId, from), Assert.Single(entries, e => e.MessageId == emailId));
        Assert.Equal(new OutboxEntry(OutboxChannels.Sms, "+15555550199", null, "sms body", smsId), Assert.Single(entries, e => e.MessageId == smsId));
    }

    private sealed class CannedResponse(string json) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Assert.Equal("/moto-api/data.json", request.RequestUri!.AbsolutePath);
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(json, Encoding.UTF8, "application/javascript") });
        }
    }
}
