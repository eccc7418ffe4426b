using System.Text.Json;

namespace EventPipeline.Sources;

/// <summary>
/// A record decoded by <see cref="IngestEnvelopeCodec.Read"/>: its envelope, and the one document the record was parsed
/// into, which also holds a JSON body's elements for the adapter. Disposing returns the document to the pool and makes
/// the envelope forget them; the envelope stays valid and parses its body again if asked. A struct: every record on
/// the stream is decoded into one, and it only lives while its envelope is adapted.
/// </summary>
public readonly struct DecodedRecord : IDisposable, IEquatable<DecodedRecord>
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
        Envelope?.ReleaseParsedBody();
        document?.Dispose();
    }

    /// <inheritdoc />
    public bool Equals(DecodedRecord other) => ReferenceEquals(Envelope, other.Envelope) && ReferenceEquals(document, other.document);

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is DecodedRecord other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Envelope, document);

    /// <summary>Same envelope and document.</summary>
    public static bool operator ==(DecodedRecord left, DecodedRecord right) => left.Equals(right);

    /// <summary>Not the same envelope and document.</summary>
    public static bool operator !=(DecodedRecord left, DecodedRecord right) => !left.Equals(right);
}
