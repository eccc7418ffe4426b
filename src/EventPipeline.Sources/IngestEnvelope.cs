namespace EventPipeline.Sources;

/// <summary>
/// What the webhook endpoint (or any producer) puts on the Kinesis stream: who sent it, when it was received,
/// the relevant headers and the raw body exactly as sent, so signatures can be re-checked and events replayed.
/// JSON: <c>{"tenant","source","receivedAt","headers":{...},"body":"..."}</c>.
/// </summary>
/// <param name="Tenant">Tenant the payload belongs to.</param>
/// <param name="Source">Source adapter name (<see cref="ISourceAdapter.Name"/>).</param>
/// <param name="ReceivedAt">When the pipeline received the payload; the event time of last resort.</param>
/// <param name="Headers">Request headers, names lower-cased.</param>
/// <param name="Body">Raw payload, byte-exact as text (UTF-8).</param>
public sealed record IngestEnvelope(
    string Tenant,
    string Source,
    DateTimeOffset ReceivedAt,
    IReadOnlyDictionary<string, string> Headers,
    string Body)
{
    /// <summary>Optional: where the payload was posted (Twilio signs the URL); null when not from the webhook endpoint.</summary>
    public string? Url { get; init; }

    /// <summary>Header value by case-insensitive name, or null.</summary>
    public string? Header(string name)
    {
        if (Headers.TryGetValue(name, out var v))
        {
            return v;
        }

        foreach (var (k, value) in Headers)
        {
            if (string.Equals(k, name, StringComparison.OrdinalIgnoreCase))
            {
                return value;
            }
        }

        return null;
    }
}
