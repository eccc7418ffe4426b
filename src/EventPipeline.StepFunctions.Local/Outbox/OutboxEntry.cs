using System.Text.Json.Nodes;

namespace EventPipeline.StepFunctions.Local.Outbox;

/// <summary>One notification to one recipient.</summary>
/// <param name="Channel"><see cref="OutboxChannels.Email"/> or <see cref="OutboxChannels.Sms"/>.</param>
/// <param name="To">Email address or E.164 phone number.</param>
/// <param name="Subject">Email subject; null for SMS.</param>
/// <param name="Message">The text (for email the HTML body if there is one, else the text body, as moto keeps it).</param>
/// <param name="MessageId">The MessageId SES or SNS answered, which the execution's output also holds: it ties an entry to its execution.</param>
/// <param name="From">The email's sender; null for SMS.</param>
public sealed record OutboxEntry(string Channel, string To, string? Subject, string Message, string MessageId, string? From = null)
{
    /// <summary>One JSON object (what <c>GET /outbox</c> lists and the CLI prints).</summary>
    public string ToJson() => new JsonObject
    {
        ["channel"] = Channel,
        ["to"] = To,
        ["subject"] = Subject,
        ["message"] = Message,
        ["messageId"] = MessageId,
        ["from"] = From,
    }.ToJsonString();

    /// <summary>Parses what <see cref="ToJson"/> wrote.</summary>
    public static OutboxEntry FromJson(string json)
    {
        var obj = JsonNode.Parse(json) as JsonObject ?? throw new FormatException("an outbox entry must be a JSON object");
        return new OutboxEntry(
            Required(obj, "channel"),
            Required(obj, "to"),
            obj["subject"]?.GetValue<string>(),
            Required(obj, "message"),
            Required(obj, "messageId"),
            obj["from"]?.GetValue<string>());
    }

    private static string Required(JsonObject obj, string name)
        => obj[name]?.GetValue<string>() ?? throw new FormatException($"outbox field '{name}' is required");
}
