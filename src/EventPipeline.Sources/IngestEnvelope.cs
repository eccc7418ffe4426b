using System.Text;
using System.Text.Json;

namespace EventPipeline.Sources;

/// <summary>
/// What the webhook endpoint (or any producer) puts on the Kinesis stream: who sent it, when it was received,
/// the relevant headers and the raw body exactly as sent, so signatures can be re-checked and events replayed.
/// JSON: <c>{"tenant","source","receivedAt","headers":{...},"body":"..."}</c>, or with a JSON body embedded as it is,
/// <c>"bodyJson":{...}</c> (<see cref="IngestEnvelopeCodec"/>).
/// The body is held as text (<see cref="Body"/>) or as UTF-8 bytes (<see cref="BodyUtf8"/>), whichever it was made
/// from; the other form is made on first use, so an adapter that parses UTF-8 never pays for a string. An envelope
/// read with <see cref="IngestEnvelopeCodec.Read"/> also carries its JSON body already parsed, as part of the record's
/// one document, until that record is disposed.
/// </summary>
/// <param name="Tenant">Tenant the payload belongs to.</param>
/// <param name="Source">Source adapter name (<see cref="ISourceAdapter.Name"/>).</param>
/// <param name="ReceivedAt">When the pipeline received the payload; the event time of last resort.</param>
/// <param name="Headers">Request headers, names lower-cased.</param>
public sealed record IngestEnvelope(
    string Tenant,
    string Source,
    DateTimeOffset ReceivedAt,
    IReadOnlyDictionary<string, string> Headers)
{
    private string? _body;
    private ReadOnlyMemory<byte>? _bodyUtf8;
    private JsonElement? _parsedBody;

    /// <summary>An envelope whose body is text.</summary>
    /// <param name="tenant">Tenant the payload belongs to.</param>
    /// <param name="source">Source adapter name.</param>
    /// <param name="receivedAt">When the pipeline received the payload.</param>
    /// <param name="headers">Request headers, names lower-cased.</param>
    /// <param name="body">Raw payload, byte-exact as text (UTF-8).</param>
    public IngestEnvelope(string tenant, string source, DateTimeOffset receivedAt, IReadOnlyDictionary<string, string> headers, string body)
        : this(tenant, source, receivedAt, headers)
    {
        ArgumentNullException.ThrowIfNull(body);
        _body = body;
    }

    /// <summary>
    /// A copy (<c>with</c>) takes the body's forms but not <see cref="ParsedBody"/>: the copy can outlive the record's
    /// document, which releases only the envelope it was decoded into.
    /// </summary>
    private IngestEnvelope(IngestEnvelope original)
    {
        Tenant = original.Tenant;
        Source = original.Source;
        ReceivedAt = original.ReceivedAt;
        Headers = original.Headers;
        Url = original.Url;
        _body = original._body;
        _bodyUtf8 = original._bodyUtf8;
    }

    /// <summary>An envelope whose body is UTF-8 bytes (kept, not copied: a slice of the record it was decoded from).</summary>
    public static IngestEnvelope OfUtf8(string tenant, string source, DateTimeOffset receivedAt, IReadOnlyDictionary<string, string> headers, ReadOnlyMemory<byte> body) =>
        new(tenant, source, receivedAt, headers) { _bodyUtf8 = body };

    /// <summary>
    /// An envelope decoded from a record: its body as UTF-8 (a slice of the record) or as text (unescaped from it), and
    /// when the body is JSON, its root element in the record's document (<see cref="ParsedBody"/>).
    /// </summary>
    internal static IngestEnvelope OfRecord(
        string tenant, string source, DateTimeOffset receivedAt, IReadOnlyDictionary<string, string> headers, string? url, string? text, ReadOnlyMemory<byte>? utf8, JsonElement? parsed) =>
        new(tenant, source, receivedAt, headers)
        {
            Url = url,
            _body = text,
            _bodyUtf8 = utf8,
            _parsedBody = parsed,
        };

    /// <summary>
    /// The body's root element when the record's document already holds it (parsing it again would read the same bytes
    /// twice); null once that record is disposed, or for an envelope made any other way.
    /// </summary>
    internal JsonElement? ParsedBody => _parsedBody;

    /// <summary>Forgets <see cref="ParsedBody"/>: the document it lives in is being returned to the pool.</summary>
    internal void ReleaseParsedBody() => _parsedBody = null;

    /// <summary>Raw payload, byte-exact as text (UTF-8).</summary>
    public string Body => _body ??= Encoding.UTF8.GetString(_bodyUtf8.GetValueOrDefault().Span);

    /// <summary>Raw payload as its UTF-8 bytes.</summary>
    public ReadOnlyMemory<byte> BodyUtf8 => _bodyUtf8 ??= Encoding.UTF8.GetBytes(_body ?? "");

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

    /// <summary>Same tenant, source, receipt time, headers (the same dictionary), URL and body bytes, whichever form each holds.</summary>
    public bool Equals(IngestEnvelope? other) =>
        other is not null
        && Tenant == other.Tenant
        && Source == other.Source
        && ReceivedAt == other.ReceivedAt
        && ReferenceEquals(Headers, other.Headers)
        && Url == other.Url
        && (_body is not null && other._body is not null ? _body == other._body : BodyUtf8.Span.SequenceEqual(other.BodyUtf8.Span));

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Tenant, Source, ReceivedAt, Url);
}
