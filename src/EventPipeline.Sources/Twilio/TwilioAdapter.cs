using EventPipeline.Domain;
using EventPipeline.Sources.Toolkit;

namespace EventPipeline.Sources.Twilio;

/// <summary>
/// Twilio messaging status callbacks (<c>application/x-www-form-urlencoded</c>). Dedup id: the
/// <c>I-Twilio-Idempotency-Token</c> header, else <c>MessageSid:MessageStatus</c> (one callback per status change);
/// type: <c>MessageStatus</c> (e.g. <c>delivered</c>); entity: <c>message</c>/<c>MessageSid</c>; event time: the receipt
/// time, since the callback carries none. A measure named after the status counts 1 (<c>delivered</c> = 1).
/// </summary>
public sealed class TwilioAdapter : ISourceAdapter
{
    /// <summary>The source's name, declared once: <see cref="Name"/>, the catalog and envelopes use it.</summary>
    public const string SourceName = "twilio";

    /// <inheritdoc />
    public string Name => SourceName;

    /// <inheritdoc />
    public ValueTask<AdapterResult> AdaptAsync(IngestEnvelope envelope, CancellationToken cancellationToken) =>
        AdapterBoundary.Run(envelope, Map);

    private static CanonicalEvent Map(IngestEnvelope envelope)
    {
        var form = FormFields.Parse(envelope.Body);
        var sid = Required(form, "MessageSid");
        var status = AdapterBoundary.Lower(Required(form, "MessageStatus"));
        var eventId = AdapterBoundary.OptionalHeader(envelope, "I-Twilio-Idempotency-Token") ?? $"{sid}:{status}";

        var builder = new EventBuilder()
            .Measure(status, 1m)
            .Attribute("status", status)
            .Attribute("to", FormFields.First(form, "To"))
            .Attribute("from", FormFields.First(form, "From"))
            .Attribute("error_code", FormFields.First(form, "ErrorCode"))
            .Attribute("account_sid", FormFields.First(form, "AccountSid"))
            .Attribute("messaging_service_sid", FormFields.First(form, "MessagingServiceSid"));
        return builder.Build(envelope, SourceName, eventId, status, envelope.ReceivedAt, "message", sid);
    }

    private static string Required(List<KeyValuePair<string, string>> form, string name)
    {
        var value = FormFields.First(form, name);
        return string.IsNullOrWhiteSpace(value) ? throw RejectionException.For(name, "required") : value.Trim();
    }
}
