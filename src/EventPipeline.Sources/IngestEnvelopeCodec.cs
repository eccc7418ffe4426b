using System.Buffers;
using System.Buffers.Text;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using EventPipeline.Domain;
using EventPipeline.Sources.CloudEvents;
using EventPipeline.Sources.Toolkit;

namespace EventPipeline.Sources;

/// <summary>
/// Reads and writes the ingest envelope JSON, and recognizes structured CloudEvents put on the stream directly.
/// Hand-written over Utf8JsonReader/Writer: allocation-light and AOT-safe.
/// </summary>
public static class IngestEnvelopeCodec
{

    /// <summary>
    /// Kinesis's default maximum record size (data blob plus partition key; a stream may be raised to 10 MiB with
    /// UpdateMaxRecordSize, this project's stream is not): https://docs.aws.amazon.com/streams/latest/dev/large-records.html
    /// </summary>
    public const int MaxRecordBytes = 1_048_576;

    // JSON string escaping that leaves non-ASCII text and HTML-sensitive characters as they are: only '"', '\' and
    // control characters are escaped. The default encoder writes '<' as \u003C and 'é' as \u00E9, inflating a body up
    // to 6×, so a valid body of 175 KB could outgrow a record.
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>
    /// Envelope JSON for <paramref name="envelope"/>. A body that is one JSON object or array, with nothing around it, is
    /// embedded as it is (<c>bodyJson</c>: the same bytes, so the record stays byte-exact and needs no escaping, and Ingest
    /// hands adapters a slice of the record instead of unescaping a copy); any other body is a JSON string (<c>body</c>),
    /// or, when escaping would make the record larger than <paramref name="maxBytes"/>, <c>bodyBase64</c> (the UTF-8
    /// bytes, base64: at most 4/3 of the body). So the worst case for a body of n bytes is ⌈n/3⌉·4 bytes plus the
    /// envelope's other fields.
    /// </summary>
    public static byte[] Encode(IngestEnvelope envelope, int maxBytes = MaxRecordBytes)
    {
        ArgumentNullException.ThrowIfNull(envelope);
        if (IsEmbeddableJson(envelope.BodyUtf8.Span))
        {
            return Write(envelope, BodyForm.Json);
        }

        var asText = Write(envelope, BodyForm.Text);
        return asText.Length <= maxBytes ? asText : Write(envelope, BodyForm.Base64);
    }

    /// <summary>Deepest body embedded as JSON: the envelope adds one level, and <see cref="Decode"/> reads at most 64.</summary>
    private const int MaxEmbeddedDepth = 63;

    private enum BodyForm
    {
        Json,
        Text,
        Base64,
    }

    /// <summary>One JSON object or array, with at most JSON whitespace around it (no BOM, no second value), valid UTF-8.</summary>
    private static bool IsEmbeddableJson(ReadOnlySpan<byte> body)
    {
        var value = body.Trim(JsonWhitespace);
        if (value.Length < 2 || !((value[0] == (byte)'{' && value[^1] == (byte)'}') || (value[0] == (byte)'[' && value[^1] == (byte)']')))
        {
            return false;
        }

        try
        {
            var r = new Utf8JsonReader(value, new JsonReaderOptions { MaxDepth = MaxEmbeddedDepth });
            r.Read();
            r.Skip();
            return r.BytesConsumed == value.Length;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>The four bytes JSON allows between tokens.</summary>
    private static ReadOnlySpan<byte> JsonWhitespace => " \t\n\r"u8;

    private static byte[] Write(IngestEnvelope envelope, BodyForm form)
    {
        var body = envelope.BodyUtf8;
        var buffer = new ArrayBufferWriter<byte>(body.Length + 256);
        using (var w = new Utf8JsonWriter(buffer, WriterOptions))
        {
            w.WriteStartObject();
            w.WriteString("tenant", envelope.Tenant);
            w.WriteString("source", envelope.Source);
            w.WriteString("receivedAt", envelope.ReceivedAt.UtcDateTime.ToString("O", CultureInfo.InvariantCulture));
            if (envelope.Url is not null)
            {
                w.WriteString("url", envelope.Url);
            }

            w.WriteStartObject("headers");
            foreach (var (k, v) in envelope.Headers)
            {
                w.WriteString(k, v);
            }

            w.WriteEndObject();
            switch (form)
            {
                case BodyForm.Json:
                    // Checked by IsEmbeddableJson; written byte for byte, whitespace around it included (the writer adds none
                    // of its own, so the decoder takes everything from the colon to the next comma or brace).
                    w.WritePropertyName("bodyJson");
                    w.WriteRawValue(body.Span, skipInputValidation: true);
                    break;
                case BodyForm.Base64:
                    w.WriteBase64String("bodyBase64", body.Span);
                    break;
                default:
                    w.WriteString("body", body.Span);
                    break;
            }

            w.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>
    /// Decodes one Kinesis user record: an ingest envelope, or a structured CloudEvent (a JSON object with
    /// <c>specversion</c>) whose tenant is its <c>tenant</c> extension attribute. Throws <see cref="RejectionException"/>
    /// naming the field and rule when the record is neither. The envelope stays valid for as long as the caller keeps it;
    /// <see cref="Read"/> also hands the adapter the body already parsed.
    /// </summary>
    public static IngestEnvelope Decode(ReadOnlyMemory<byte> data, DateTimeOffset arrivedAt)
    {
        using var record = Read(data, arrivedAt);
        return record.Envelope;
    }

    /// <summary>
    /// Decodes one record as <see cref="Decode"/> does, parsing it once: the record's document also holds a JSON body's
    /// elements, so the adapter reads them instead of parsing the body's bytes again (about 0.45 µs of a 570-byte
    /// record's 3 µs fold). Dispose the result when the envelope has been adapted: the document goes back to the pool, and
    /// the envelope (still usable) parses its body again if anything asks later.
    /// </summary>
    public static DecodedRecord Read(ReadOnlyMemory<byte> data, DateTimeOffset arrivedAt)
    {
        if (ReadCanonical(data, arrivedAt) is { } canonical)
        {
            return canonical;
        }

        RequireObject(data.Span);
        return ReadDocument(data, arrivedAt);
    }

    /// <summary>The whole record parsed into one document, which the envelope's JSON body (if any) is part of.</summary>
    private static DecodedRecord ReadDocument(ReadOnlyMemory<byte> data, DateTimeOffset arrivedAt)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(data, new JsonDocumentOptions { MaxDepth = 64 });
        }
        catch (JsonException)
        {
            throw RejectionException.For("record", "must be valid JSON");
        }

        try
        {
            return new DecodedRecord(Envelope(document.RootElement, data, arrivedAt), document);
        }
        catch
        {
            document.Dispose();
            throw;
        }
    }

    /// <summary>
    /// The envelope as <see cref="Encode"/> writes it, read in one pass without a document for the envelope's own fields:
    /// string fields, a headers object of strings, and a text body (which then needs no document at all) or a JSON body as
    /// the last property (parsed alone, from the record's bytes). Null for anything else (a structured CloudEvent, a
    /// field of an unexpected kind, an escaped name, invalid JSON, a JSON body followed by more properties): the record is
    /// then read as one document, which gives the same envelope or the precise rejection. About a third of decoding's
    /// time went on the envelope's own fields when the whole record was one document (measured, <c>throughput</c>).
    /// </summary>
    private static DecodedRecord? ReadCanonical(ReadOnlyMemory<byte> data, DateTimeOffset arrivedAt)
    {
        var span = data.Span;
        string? tenant = null, source = null, url = null, text = null;
        ReadOnlyMemory<byte>? utf8 = null;
        DateTimeOffset? receivedAt = null;
        IReadOnlyDictionary<string, string> headers = NoHeaders;
        try
        {
            var r = new Utf8JsonReader(span, new JsonReaderOptions { MaxDepth = 64 });
            if (!r.Read() || r.TokenType != JsonTokenType.StartObject)
            {
                return null;
            }

            while (r.Read() && r.TokenType == JsonTokenType.PropertyName)
            {
                if (r.ValueIsEscaped)
                {
                    return null;
                }

                var name = r.ValueSpan;
                r.Read();
                switch (name.Length)
                {
                    case 6 when name.SequenceEqual("tenant"u8) && r.TokenType == JsonTokenType.String && !r.ValueIsEscaped:
                        tenant = RecentStrings.Of(r.ValueSpan);
                        break;
                    case 6 when name.SequenceEqual("source"u8) && r.TokenType == JsonTokenType.String && !r.ValueIsEscaped:
                        source = RecentStrings.Of(r.ValueSpan);
                        break;
                    case 10 when name.SequenceEqual("receivedAt"u8) && r.TokenType == JsonTokenType.String && !r.ValueIsEscaped
                        && r.ValueSpan.Length == 28 && Utf8Parser.TryParse(r.ValueSpan, out DateTimeOffset at, out var consumed, 'O') && consumed == 28:
                        receivedAt = at;
                        break;
                    case 3 when name.SequenceEqual("url"u8) && r.TokenType == JsonTokenType.String:
                        url = r.GetString();
                        break;
                    case 7 when name.SequenceEqual("headers"u8) && r.TokenType == JsonTokenType.StartObject && ReferenceEquals(headers, NoHeaders):
                        // A second headers object is merged into the first by the document path: left to it.
                        if (!ReadHeaders(ref r, out headers))
                        {
                            return null;
                        }

                        break;
                    case 4 when name.SequenceEqual("body"u8) && r.TokenType == JsonTokenType.String:
                        (text, utf8) = r.ValueIsEscaped ? (r.GetString(), (ReadOnlyMemory<byte>?)null) : ((string?)null, SliceOf(data, r.ValueSpan));
                        break;
                    case 8 when name.SequenceEqual("bodyJson"u8) && r.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray:
                        return LastJsonBody(data, (int)r.TokenStartIndex, arrivedAt, tenant, source, receivedAt, url, headers);
                    default:
                        // Nothing else is what Encode writes: bodyBase64, specversion (a structured CloudEvent), anything unknown.
                        return null;
                }
            }

            if (r.TokenType != JsonTokenType.EndObject || r.Read())
            {
                return null;
            }
        }
        catch (JsonException)
        {
            return null;
        }

        if (string.IsNullOrEmpty(tenant) || string.IsNullOrEmpty(source) || (text is null && utf8 is null))
        {
            return null;
        }

        return new DecodedRecord(IngestEnvelope.OfRecord(tenant, source, receivedAt ?? arrivedAt, headers, url, text, utf8, null), null);
    }

    /// <summary>
    /// The record's JSON body when it is the last property: the bytes from its first token to the record's closing brace
    /// must be one JSON value (JsonDocument rejects anything after it), so the record is whole and the body is that value.
    /// </summary>
    private static DecodedRecord? LastJsonBody(
        ReadOnlyMemory<byte> data, int start, DateTimeOffset arrivedAt, string? tenant, string? source, DateTimeOffset? receivedAt, string? url, IReadOnlyDictionary<string, string> headers)
    {
        var span = data.Span;
        var close = span.TrimEnd(JsonWhitespace).Length - 1;
        if (string.IsNullOrEmpty(tenant) || string.IsNullOrEmpty(source) || close <= start || span[close] != (byte)'}')
        {
            return null;
        }

        JsonDocument body;
        try
        {
            body = JsonDocument.Parse(data[start..close], new JsonDocumentOptions { MaxDepth = MaxEmbeddedDepth });
        }
        catch (JsonException)
        {
            return null;
        }

        // From just after the colon to the closing brace, whitespace included, as EmbeddedJson takes it.
        while (start > 0 && JsonWhitespace.Contains(span[start - 1]))
        {
            start--;
        }

        return new DecodedRecord(IngestEnvelope.OfRecord(tenant, source, receivedAt ?? arrivedAt, headers, url, null, data[start..close], body.RootElement), body);
    }

    /// <summary>A headers object of lower-case names and string values (the reader on its start); false for anything else.</summary>
    private static bool ReadHeaders(ref Utf8JsonReader r, out IReadOnlyDictionary<string, string> headers)
    {
        headers = NoHeaders;
        FieldDictionary<string>? read = null;
        while (r.Read() && r.TokenType == JsonTokenType.PropertyName)
        {
            if (r.ValueIsEscaped || r.ValueSpan.ContainsAnyInRange((byte)'A', (byte)'Z'))
            {
                return false;
            }

            var name = RecentStrings.Of(r.ValueSpan);
            if (!r.Read() || r.TokenType != JsonTokenType.String)
            {
                return false;
            }

            // A few headers: one object and one array, looked up by scanning, instead of a hash table per record.
            (read ??= new FieldDictionary<string>(4, StringComparer.OrdinalIgnoreCase)).Set(name, r.GetString()!);
        }

        headers = read ?? NoHeaders;
        return true;
    }

    /// <summary>The record's first token must open an object (checked before the whole record is parsed).</summary>
    private static void RequireObject(ReadOnlySpan<byte> data)
    {
        try
        {
            var r = new Utf8JsonReader(data, new JsonReaderOptions { MaxDepth = 64 });
            if (r.Read() && r.TokenType == JsonTokenType.StartObject)
            {
                return;
            }
        }
        catch (JsonException)
        {
            throw RejectionException.For("record", "must be valid JSON");
        }

        throw RejectionException.For("record", "must be a JSON object (an ingest envelope or a structured CloudEvent)");
    }

    private static IngestEnvelope Envelope(JsonElement root, ReadOnlyMemory<byte> data, DateTimeOffset arrivedAt)
    {
        string? tenant = null, source = null, url = null, specVersion = null, text = null;
        ReadOnlyMemory<byte>? utf8 = null;
        JsonElement? parsed = null;
        DateTimeOffset? receivedAt = null;
        IReadOnlyDictionary<string, string> headers = NoHeaders;
        // Names are compared in place (NameEquals reads the raw bytes) rather than materialized as strings: every record
        // on the stream goes through here. A repeated property counts as its last occurrence.
        foreach (var p in root.EnumerateObject())
        {
            var value = p.Value;
            switch (Property(p))
            {
                case EnvelopeProperty.Tenant:
                    tenant = value.ValueKind == JsonValueKind.String ? RecentStrings.Of(value) : throw RejectionException.For("tenant", "must be a string");
                    break;
                case EnvelopeProperty.Source:
                    source = value.ValueKind == JsonValueKind.String ? RecentStrings.Of(value) : null;
                    break;
                case EnvelopeProperty.ReceivedAt:
                    receivedAt = ReceivedAt(value);
                    break;
                case EnvelopeProperty.Url:
                    url = StringValue(value, "url");
                    break;
                case EnvelopeProperty.Body:
                    (text, utf8, parsed) = value.ValueKind == JsonValueKind.String ? StringBody(value, data) : (null, null, null);
                    break;
                case EnvelopeProperty.BodyJson:
                    (text, utf8, parsed) = (null, EmbeddedJson(value, data), value);
                    break;
                case EnvelopeProperty.BodyBase64:
                    (text, utf8, parsed) = (null, Base64Body(value), null);
                    break;
                case EnvelopeProperty.Headers:
                    ReadHeaders(value, ref headers);
                    break;
                case EnvelopeProperty.SpecVersion:
                    specVersion = value.ValueKind == JsonValueKind.String ? value.GetString() : "?";
                    break;
                default:
                    break;
            }
        }

        if (specVersion is not null)
        {
            // A structured CloudEvent: the whole record is the body, byte-exact, and the record's root is its root.
            var ceHeaders = new Dictionary<string, string> { ["content-type"] = CloudEventsAdapter.StructuredContentType };
            return IngestEnvelope.OfRecord(tenant ?? "", CloudEventsAdapter.SourceName, arrivedAt, ceHeaders, null, null, data, root);
        }

        if (string.IsNullOrEmpty(tenant))
        {
            throw RejectionException.For("tenant", "required");
        }

        if (string.IsNullOrEmpty(source))
        {
            throw RejectionException.For("source", "required (the source adapter's name)");
        }

        if (text is null && utf8 is null)
        {
            throw RejectionException.For("body", "required (the raw payload as a JSON string, a JSON object or array as bodyJson, or its UTF-8 bytes as bodyBase64)");
        }

        return IngestEnvelope.OfRecord(tenant, source, receivedAt ?? arrivedAt, headers, url, text, utf8, parsed);
    }

    private enum EnvelopeProperty
    {
        Other,
        Tenant,
        Source,
        ReceivedAt,
        Url,
        Body,
        BodyJson,
        BodyBase64,
        Headers,
        SpecVersion,
    }

    // Dispatched on the raw name's length first: a record has six or so properties, and comparing each against all nine
    // names in turn was a tenth of decoding (measured). An escaped name (never written by Encode) is compared unescaped.
    private static EnvelopeProperty Property(JsonProperty p)
    {
        var raw = JsonMarshal.GetRawUtf8PropertyName(p);
        if (raw.Contains((byte)'\\'))
        {
            return PropertyUnescaped(p);
        }

        return raw.Length switch
        {
            3 when raw.SequenceEqual("url"u8) => EnvelopeProperty.Url,
            4 when raw.SequenceEqual("body"u8) => EnvelopeProperty.Body,
            6 when raw.SequenceEqual("tenant"u8) => EnvelopeProperty.Tenant,
            6 when raw.SequenceEqual("source"u8) => EnvelopeProperty.Source,
            7 when raw.SequenceEqual("headers"u8) => EnvelopeProperty.Headers,
            8 when raw.SequenceEqual("bodyJson"u8) => EnvelopeProperty.BodyJson,
            10 when raw.SequenceEqual("receivedAt"u8) => EnvelopeProperty.ReceivedAt,
            10 when raw.SequenceEqual("bodyBase64"u8) => EnvelopeProperty.BodyBase64,
            11 when raw.SequenceEqual("specversion"u8) => EnvelopeProperty.SpecVersion,
            _ => EnvelopeProperty.Other,
        };
    }

    private static EnvelopeProperty PropertyUnescaped(JsonProperty p) =>
        p.NameEquals("tenant"u8) ? EnvelopeProperty.Tenant
        : p.NameEquals("source"u8) ? EnvelopeProperty.Source
        : p.NameEquals("receivedAt"u8) ? EnvelopeProperty.ReceivedAt
        : p.NameEquals("url"u8) ? EnvelopeProperty.Url
        : p.NameEquals("body"u8) ? EnvelopeProperty.Body
        : p.NameEquals("bodyJson"u8) ? EnvelopeProperty.BodyJson
        : p.NameEquals("bodyBase64"u8) ? EnvelopeProperty.BodyBase64
        : p.NameEquals("headers"u8) ? EnvelopeProperty.Headers
        : p.NameEquals("specversion"u8) ? EnvelopeProperty.SpecVersion
        : EnvelopeProperty.Other;

    /// <summary>The headers of an envelope that has none: shared, and read-only, so no envelope can change another's.</summary>
    private static readonly IReadOnlyDictionary<string, string> NoHeaders =
        System.Collections.Frozen.FrozenDictionary.ToFrozenDictionary(new Dictionary<string, string>(), StringComparer.OrdinalIgnoreCase);

    // A second headers object is merged into the first, as the document path always did (the one-pass read leaves
    // such a record to this path).
    private static void ReadHeaders(JsonElement value, ref IReadOnlyDictionary<string, string> headers)
    {
        if (value.ValueKind != JsonValueKind.Object)
        {
            throw RejectionException.For("headers", "must be an object of strings");
        }

        foreach (var h in value.EnumerateObject())
        {
            if (h.Value.ValueKind != JsonValueKind.String)
            {
                throw RejectionException.For($"headers.{h.Name}", "must be a string");
            }

            if (headers is not Dictionary<string, string> read)
            {
                headers = read = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            }

            read[h.Name.ToLowerInvariant()] = h.Value.GetString()!;
        }
    }

    private static DateTimeOffset ReceivedAt(JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.String)
        {
            throw RejectionException.For("receivedAt", "must be a string");
        }

        // What Encode writes (round-trip "O" in UTC, e.g. 2024-05-01T12:00:00.0000000Z) parses straight from the bytes;
        // DateTimeOffset.TryParse reads that text as the same instant with offset zero, and stays the rule for the rest.
        var raw = StringContent(value);
        if (raw.Length == 28 && raw[^1] == (byte)'Z' && !raw.Contains((byte)'\\')
            && Utf8Parser.TryParse(raw, out DateTimeOffset exact, out var consumed, 'O') && consumed == raw.Length)
        {
            return exact;
        }

        return DateTimeOffset.TryParse(value.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t)
            ? t
            : throw RejectionException.For("receivedAt", "must be an ISO-8601 timestamp");
    }

    /// <summary>A string value's bytes between its quotes, escapes as they are in the record.</summary>
    private static ReadOnlySpan<byte> StringContent(JsonElement value) => JsonMarshal.GetRawUtf8Value(value)[1..^1];

    private static ReadOnlyMemory<byte> Base64Body(JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.String || !value.TryGetBytesFromBase64(out var bytes))
        {
            throw RejectionException.For("bodyBase64", "must be a base64 string");
        }

        return System.Text.Unicode.Utf8.IsValid(bytes) ? bytes : throw RejectionException.For("bodyBase64", "must hold UTF-8 text");
    }

    /// <summary>
    /// A string body: its UTF-8 as a slice of the record when it has no escapes, else its unescaped text (what text
    /// adapters such as csv and twilio read; JSON string bodies of a newline-separated file always have escapes).
    /// </summary>
    private static (string? Text, ReadOnlyMemory<byte>? Utf8, JsonElement? Parsed) StringBody(JsonElement value, ReadOnlyMemory<byte> data)
    {
        var content = StringContent(value);
        return content.Contains((byte)'\\') ? (value.GetString(), null, null) : (null, SliceOf(data, content), null);
    }

    /// <summary>Where <paramref name="part"/> (a span of the record's own memory) sits in <paramref name="data"/>.</summary>
    private static ReadOnlyMemory<byte> SliceOf(ReadOnlyMemory<byte> data, ReadOnlySpan<byte> part) =>
        part.IsEmpty ? ReadOnlyMemory<byte>.Empty // an empty span overlaps nothing, not even the record it came from
        : data.Slice(OffsetOf(data, part), part.Length);

    /// <summary>Where a non-empty <paramref name="part"/> of the record's own memory starts in <paramref name="data"/>.</summary>
    private static int OffsetOf(ReadOnlyMemory<byte> data, ReadOnlySpan<byte> part) =>
        data.Span.Overlaps(part, out var offset) ? offset : throw new InvalidOperationException("the value is not a part of the record");

    /// <summary>
    /// The embedded JSON body's bytes as they are in the record: the object or array and the whitespace around it, from
    /// just after the colon to just before the comma or brace that follows (<see cref="Encode"/> writes no whitespace of
    /// its own there, so a body with a trailing newline comes back with it).
    /// </summary>
    private static ReadOnlyMemory<byte> EmbeddedJson(JsonElement value, ReadOnlyMemory<byte> data)
    {
        if (value.ValueKind is not (JsonValueKind.Object or JsonValueKind.Array))
        {
            throw RejectionException.For("bodyJson", "must be a JSON object or array");
        }

        var raw = JsonMarshal.GetRawUtf8Value(value);
        var start = OffsetOf(data, raw);
        var end = start + raw.Length;
        // Out from the value over the whitespace, to the colon before and the comma or brace after: only whitespace can
        // stand between them.
        var span = data.Span;
        while (start > 0 && JsonWhitespace.Contains(span[start - 1]))
        {
            start--;
        }

        while (end < span.Length && JsonWhitespace.Contains(span[end]))
        {
            end++;
        }

        return data[start..end];
    }

    private static string StringValue(JsonElement value, string field) =>
        value.ValueKind == JsonValueKind.String ? value.GetString()! : throw RejectionException.For(field, "must be a string");
}
