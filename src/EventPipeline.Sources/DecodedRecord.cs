using System.Text.Json;

namespace EventPipeline.Sources;

/// <summary>
/// A record decoded by <see cref="IngestEnvelopeCodec.Read"/>: its envelope, and the one document the record was parsed
/// into, which also holds a JSON body's elements for the adapter. Disposing returns the document to the pool and makes
/// the envelope forget them; the envelope stays valid and parses its body again if asked.
/// </summary>
public sealed class DecodedRecord : IDisposable
{
    private readonly JsonDocument? document;

    internal DecodedRecord(IngestEnvelope envelope, JsonDocument? document)
    {
        Envelope = envelope;
        this.document = document;
    }

    /// <summary>The decoded envelope.</summary>
    public IngestEnvelope Envelope { get; }

    /// <inheritdoc />
    public void Dispose()
    {
        Envelope.ReleaseParsedBody();
        document?.Dispose();
    }
}
