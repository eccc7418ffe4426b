using System.Text.Json;

namespace EventPipeline.StepFunctions.Local.Outbox;

/// <summary>
/// The outbox as moto keeps it: what moto's SES (v1 and v2) and SNS were asked to send, read from moto's model
/// dump <c>GET {moto}/moto-api/data.json</c>. moto 5.2.1 lists every sent email under <c>ses.Message</c>
/// (<c>id</c>, <c>source</c>, <c>subject</c>, <c>body</c>, <c>destinations.{To,Cc,Bcc}Addresses</c>) and every SMS under
/// <c>sns.SMS</c> (<c>message_id</c>, <c>phone_number</c>, <c>message</c>), each in the order sent, across accounts
/// and regions, with no timestamps.
/// </summary>
/// <remarks>
/// Entries are the emails (one per recipient, To then Cc then Bcc) followed by the SMS: moto records no time, so the
/// order between the two channels is not known. A moto restart or <c>POST /moto-api/reset</c> empties it.
/// moto calls this internal API unstable across versions; the shape above is what 5.2.1 answers.
/// </remarks>
public sealed class MotoOutbox : IOutbox
{
    private readonly Uri _dataUri;
    private readonly HttpClient _http;

    /// <summary>Reads moto at <paramref name="motoEndpoint"/> (its own URL: the moto API is unsigned and not an AWS service).</summary>
    public MotoOutbox(Uri motoEndpoint, HttpClient httpClient)
    {
        ArgumentNullException.ThrowIfNull(motoEndpoint);
        _http = httpClient ?? throw new ArgumentNullException(nameof(httpClient));
        _dataUri = new Uri(motoEndpoint, "/moto-api/data.json");
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<OutboxEntry>> ReadAllAsync(CancellationToken cancellationToken)
    {
        using var response = await _http.GetAsync(_dataUri, cancellationToken);
        response.EnsureSuccessStatusCode();
        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
        using var document = await JsonDocument.ParseAsync(body, cancellationToken: cancellationToken);
        var entries = new List<OutboxEntry>();
        foreach (var email in Models(document.RootElement, "ses", "Message"))
        {
            var id = Text(email, "id") ?? "";
            var destinations = email.TryGetProperty("destinations", out var d) && d.ValueKind == JsonValueKind.Object ? d : default;
            foreach (var list in (string[])["ToAddresses", "CcAddresses", "BccAddresses"])
            {
                if (destinations.ValueKind == JsonValueKind.Object && destinations.TryGetProperty(list, out var addresses) && addresses.ValueKind == JsonValueKind.Array)
                {
                    foreach (var to in addresses.EnumerateArray().Where(a => a.ValueKind == JsonValueKind.String))
                    {
                        entries.Add(new OutboxEntry(OutboxChannels.Email, to.GetString()!, Text(email, "subject"), Text(email, "body") ?? "", id, Text(email, "source")));
                    }
                }
            }
        }

        foreach (var sms in Models(document.RootElement, "sns", "SMS"))
        {
            entries.Add(new OutboxEntry(OutboxChannels.Sms, Text(sms, "phone_number") ?? "", null, Text(sms, "message") ?? "", Text(sms, "message_id") ?? ""));
        }

        return entries;
    }

    private static IEnumerable<JsonElement> Models(JsonElement root, string service, string model) =>
        root.TryGetProperty(service, out var s) && s.ValueKind == JsonValueKind.Object
        && s.TryGetProperty(model, out var m) && m.ValueKind == JsonValueKind.Array
            ? m.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.Object)
            : [];

    private static string? Text(JsonElement obj, string name)
        => obj.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
}
