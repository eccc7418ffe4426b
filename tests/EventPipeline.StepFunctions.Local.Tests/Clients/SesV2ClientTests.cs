using EventPipeline.Aws.Clients;
using EventPipeline.StepFunctions.Local.Clients;
using EventPipeline.StepFunctions.Local.Outbox;
using EventPipeline.StepFunctions.Local.Tests.Support;

namespace EventPipeline.StepFunctions.Local.Tests.Clients;

[Collection(MotoCollection.Name)]
public sealed class SesV2ClientTests(MotoServer moto)
{
    [MotoFact]
    public async Task SendEmailAsync_VerifiedSender_ReturnsMessageIdAndMotoKeepsTheEmail()
    {
        using var ses = new SesV2Client(moto.Endpoint, MotoServer.ClientConfig, moto.Http);
        var from = $"from-{Guid.NewGuid():N}@example.com";
        await ses.CreateEmailIdentityAsync(from, CancellationToken.None);

        var messageId = await ses.SendEmailAsync(new SesV2Email(from, ["to-1@example.com", "to-2@example.com"], "Reminder", "text & ümlaut"), CancellationToken.None);

        var sent = (await new MotoOutbox(moto.Endpoint, moto.Http).ReadAllAsync(CancellationToken.None)).Where(e => e.MessageId == messageId).ToList();
        Assert.Equal(["to-1@example.com", "to-2@example.com"], sent.Select(e => e.To));
        Assert.All(sent, e => Assert.Equal((OutboxChannels.Email, "Reminder", "text & ümlaut", from), (e.Channel, e.Subject, e.Message, e.From)));
    }

    [MotoFact]
    public async Task SendEmailAsync_UnverifiedSender_ThrowsMessageRejected()
    {
        using var ses = new SesV2Client(moto.Endpoint, MotoServer.ClientConfig, moto.Http);

        var e = await Assert.ThrowsAsync<AwsServiceException>(() =>
            ses.SendEmailAsync(new SesV2Email($"nobody-{Guid.NewGuid():N}@example.com", ["to@example.com"], "S", "b"), CancellationToken.None));

        Assert.Equal(400, e.StatusCode);
        Assert.Equal("MessageRejected", e.ErrorCode);
    }

    [MotoFact]
    public async Task SendEmailAsync_AnyEmail_IsRestJsonToOutboundEmailsSignedForSes()
    {
        using var recording = new RecordingHandler();
        using var http = new HttpClient(recording);
        using var ses = new SesV2Client(moto.Endpoint, MotoServer.ClientConfig, http);
        var from = $"signed-{Guid.NewGuid():N}@example.com";
        await ses.CreateEmailIdentityAsync(from, CancellationToken.None);

        await ses.SendEmailAsync(new SesV2Email(from, ["to@example.com"], "S", "b"), CancellationToken.None);

        var send = recording.Sent.Last();
        Assert.Equal(("POST", "/v2/email/outbound-emails", "application/json"), (send.Method, send.Uri.AbsolutePath, send.ContentType));
        Assert.Contains($"/{MotoServer.Region}/ses/aws4_request", send.Authorization, StringComparison.Ordinal);
        Assert.Equal(
            """{"FromEmailAddress":"FROM","Destination":{"ToAddresses":["to@example.com"]},"Content":{"Simple":{"Subject":{"Data":"S"},"Body":{"Text":{"Data":"b"}}}}}""".Replace("FROM", from, StringComparison.Ordinal),
            send.Body);
    }
}
