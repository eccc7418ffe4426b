using System.Buffers;
using System.Buffers.Text;
using System.Globalization;
using System.Text;
using System.Text.Json;
using EventPipeline.Domain;
using EventPipeline.Sources.CloudEvents;

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
    /// naming the field and rule when the record is neither.
    /// </summary>
    public static IngestEnvelope Decode(ReadOnlyMemory<byte> data, DateTimeOffset arrivedAt)
    {
        string? tenant = null, source = null, url = null, specVersion = null, ceTenant = null;
        ReadOnlyMemory<byte>? body = null;
        DateTimeOffset? receivedAt = null;
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        try
        {
            var r = new Utf8JsonReader(data.Span, new JsonReaderOptions { MaxDepth = 64 });
            if (!r.Read() || r.TokenType != JsonTokenType.StartObject)
            {
                throw RejectionException.For("record", "must be a JSON object (an ingest envelope or a structured CloudEvent)");
            }

            while (r.Read() && r.TokenType == JsonTokenType.PropertyName)
            {
                // Names are compared in place (unescaped by ValueTextEquals) rather than materialized as strings: every
                // record on the stream goes through here.
                var property = Property(ref r);
                r.Read();
                switch (property)
                {
                    case EnvelopeProperty.Tenant:
                        tenant = StringValue(ref r, "tenant");
                        ceTenant = tenant;
                        break;
                    case EnvelopeProperty.Source:
                        source = r.TokenType == JsonTokenType.String ? r.GetString() : null;
                        SkipIfContainer(ref r);
                        break;
                    case EnvelopeProperty.ReceivedAt:
                        receivedAt = ReceivedAt(ref r);
                        break;
                    case EnvelopeProperty.Url:
                        url = StringValue(ref r, "url");
                        break;
                    case EnvelopeProperty.Body:
                        body = r.TokenType == JsonTokenType.String ? StringBytes(ref r, data) : null;
                        SkipIfContainer(ref r);
                        break;
                    case EnvelopeProperty.BodyJson:
                        body = EmbeddedJson(ref r, data);
                        break;
                    case EnvelopeProperty.BodyBase64:
                        body = Base64Body(ref r);
                        break;
                    case EnvelopeProperty.Headers:
                        if (r.TokenType != JsonTokenType.StartObject)
                        {
                            throw RejectionException.For("headers", "must be an object of strings");
                        }

                        while (r.Read() && r.TokenType == JsonTokenType.PropertyName)
                        {
                            var h = r.GetString()!;
                            r.Read();
                            if (r.TokenType != JsonTokenType.String)
                            {
                                throw RejectionException.For($"headers.{h}", "must be a string");
                            }

                            headers[h.ToLowerInvariant()] = r.GetString()!;
                        }

                        break;
                    case EnvelopeProperty.SpecVersion:
                        specVersion = r.TokenType == JsonTokenType.String ? r.GetString() : "?";
                        SkipIfContainer(ref r);
                        break;
                    default:
                        r.Skip();
                        break;
                }
            }
        }
        catch (JsonException)
        {
            throw RejectionException.For("record", "must be valid JSON");
        }
        catch (InvalidOperationException)
        {
            throw RejectionException.For("record", "must be valid JSON");
        }

        if (specVersion is not null)
        {
            // A structured CloudEvent: the whole record is the body, byte-exact.
            return IngestEnvelope.OfUtf8(ceTenant ?? "", CloudEventsAdapter.SourceName, arrivedAt, new Dictionary<string, string> { ["content-type"] = CloudEventsAdapter.StructuredContentType }, data);
        }

        if (string.IsNullOrEmpty(tenant))
        {
            throw RejectionException.For("tenant", "required");
        }

        if (string.IsNullOrEmpty(source))
        {
            throw RejectionException.For("source", "required (the source adapter's name)");
        }

        if (body is null)
        {
            throw RejectionException.For("body", "required (the raw payload as a JSON string, a JSON object or array as bodyJson, or its UTF-8 bytes as bodyBase64)");
        }

        return IngestEnvelope.OfUtf8(tenant, source, receivedAt ?? arrivedAt, headers, body.Value) with { Url = url };
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

    private static EnvelopeProperty Property(ref Utf8JsonReader r) =>
        r.ValueTextEquals("tenant"u8) ? EnvelopeProperty.Tenant
        : r.ValueTextEquals("source"u8) ? EnvelopeProperty.Source
        : r.ValueTextEquals("receivedAt"u8) ? EnvelopeProperty.ReceivedAt
        : r.ValueTextEquals("url"u8) ? EnvelopeProperty.Url
        : r.ValueTextEquals("body"u8) ? EnvelopeProperty.Body
        : r.ValueTextEquals("bodyJson"u8) ? EnvelopeProperty.BodyJson
        : r.ValueTextEquals("bodyBase64"u8) ? EnvelopeProperty.BodyBase64
        : r.ValueTextEquals("headers"u8) ? EnvelopeProperty.Headers
        : r.ValueTextEquals("specversion"u8) ? EnvelopeProperty.SpecVersion
        : EnvelopeProperty.Other;

    private static DateTimeOffset ReceivedAt(ref Utf8JsonReader r)
    {
        if (r.TokenType != JsonTokenType.String)
        {
            throw RejectionException.For("receivedAt", "must be a string");
        }

        // What Encode writes (round-trip "O" in UTC, e.g. 2024-05-01T12:00:00.0000000Z) parses straight from the bytes;
        // DateTimeOffset.TryParse reads that text as the same instant with offset zero, and stays the rule for the rest.
        var raw = r.HasValueSequence || r.ValueIsEscaped ? default : r.ValueSpan;
        if (raw.Length == 28 && raw[^1] == (byte)'Z'
            && Utf8Parser.TryParse(raw, out DateTimeOffset exact, out var consumed, 'O') && consumed == raw.Length)
        {
            return exact;
        }

        return DateTimeOffset.TryParse(r.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t)
            ? t
            : throw RejectionException.For("receivedAt", "must be an ISO-8601 timestamp");
    }

    private static ReadOnlyMemory<byte> Base64Body(ref Utf8JsonReader r)
    {
        if (r.TokenType != JsonTokenType.String || !r.TryGetBytesFromBase64(out var bytes))
        {
            throw RejectionException.For("bodyBase64", "must be a base64 string");
        }

        return System.Text.Unicode.Utf8.IsValid(bytes) ? bytes : throw RejectionException.For("bodyBase64", "must hold UTF-8 text");
    }

    /// <summary>A string value's UTF-8 bytes: a slice of the record when it has no escapes, else its unescaped copy.</summary>
    private static ReadOnlyMemory<byte> StringBytes(ref Utf8JsonReader r, ReadOnlyMemory<byte> data)
    {
        if (!r.ValueIsEscaped && !r.HasValueSequence)
        {
            return data.Slice((int)r.TokenStartIndex + 1, r.ValueSpan.Length);
        }

        var copy = new byte[r.HasValueSequence ? r.ValueSequence.Length : r.ValueSpan.Length];
        return copy.AsMemory(0, r.CopyString(copy));
    }

    /// <summary>
    /// The embedded JSON body's bytes as they are in the record: the object or array and the whitespace around it, from
    /// just after the colon to just before the comma or brace that follows (<see cref="Encode"/> writes no whitespace of
    /// its own there, so a body with a trailing newline comes back with it).
    /// </summary>
    private static ReadOnlyMemory<byte> EmbeddedJson(ref Utf8JsonReader r, ReadOnlyMemory<byte> data)
    {
        if (r.TokenType is not (JsonTokenType.StartObject or JsonTokenType.StartArray))
        {
            throw RejectionException.For("bodyJson", "must be a JSON object or array");
        }

        // Back from the value over the whitespace to the colon: only whitespace can stand between them.
        var span = data.Span;
        var start = (int)r.TokenStartIndex;
        while (start > 0 && JsonWhitespace.Contains(span[start - 1]))
        {
            start--;
        }

        r.Skip();
        var end = (int)r.BytesConsumed;
        while (end < span.Length && JsonWhitespace.Contains(span[end]))
        {
            end++;
        }

        return data[start..end];
    }

    private static string StringValue(ref Utf8JsonReader r, string field)
    {
        if (r.TokenType != JsonTokenType.String)
        {
            throw RejectionException.For(field, "must be a string");
        }

        return r.GetString()!;
    }

    private static void SkipIfContainer(ref Utf8JsonReader r)
    {
        if (r.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
        {
            r.Skip();
        }
    }
}
