using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using EventPipeline.Domain;

namespace EventPipeline.Application.Ingest;

/// <summary>
/// 64-bit fingerprints the dedup protocol stores instead of ids (bounded size whatever the provider's id length):
/// the first 8 bytes of SHA-256. A false match needs a 2^-64 coincidence per fingerprint held.
/// </summary>
public static class DedupFingerprint
{
    /// <summary>Fingerprint of an event's dedup identity (its source and provider id; the entity item scopes the tenant and entity).</summary>
    public static ulong Of(DedupKey key) => Hash($"e\n{key.Source}\n{key.EventId}");

    /// <summary>Fingerprint of a stream position that was skipped as a copy of an event applied elsewhere.</summary>
    public static ulong OfSkipped(string shardId, StreamPosition position) => Hash($"s\n{shardId}\n{position.Encoded}");

    private static ulong Hash(string text)
    {
        Span<byte> digest = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(text), digest);
        return BinaryPrimitives.ReadUInt64BigEndian(digest);
    }
}
