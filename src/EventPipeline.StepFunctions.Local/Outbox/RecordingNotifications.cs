using EventPipeline.StepFunctions.Local.Clients;

namespace EventPipeline.StepFunctions.Local.Outbox;

/// <summary>
/// SES and SNS stand-ins that only record what they are asked to send, readable as an <see cref="IOutbox"/>: one
/// entry per recipient, with a fresh MessageId per call as the services answer. Subclasses decide where entries
/// are kept. They check no identity or number; moto (or SES and SNS) does.
/// </summary>
public abstract class RecordingNotifications : ISesV2Client, ISnsClient, IOutbox
{
    /// <inheritdoc />
    public async Task<string> SendEmailAsync(SesV2Email email, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(email);
        var messageId = Guid.NewGuid().ToString();
        var text = email.HtmlBody ?? email.TextBody ?? "";
        await StoreAsync([.. email.To.Select(to => new OutboxEntry(OutboxChannels.Email, to, email.Subject, text, messageId, email.From))], cancellationToken);
        return messageId;
    }

    /// <inheritdoc />
    public async Task<string> PublishAsync(SnsPublishRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var messageId = Guid.NewGuid().ToString();
        var to = request.PhoneNumber ?? request.TopicArn ?? request.TargetArn ?? "";
        await StoreAsync([new OutboxEntry(OutboxChannels.Sms, to, request.Subject, request.Message, messageId)], cancellationToken);
        return messageId;
    }

    /// <summary>Everything recorded, in the order it was sent.</summary>
    public abstract Task<IReadOnlyList<OutboxEntry>> ReadAllAsync(CancellationToken cancellationToken);

    /// <summary>Keeps the entries of one send.</summary>
    protected abstract Task StoreAsync(IReadOnlyList<OutboxEntry> entries, CancellationToken cancellationToken);
}
