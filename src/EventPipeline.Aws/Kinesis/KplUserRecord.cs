using System.Runtime.InteropServices;
using System.Security.Cryptography;
using Google.Protobuf;

namespace EventPipeline.Aws.Kinesis;

/// <summary>
/// One user record inside a Kinesis record. <see cref="SubSequenceNumber"/> is its index in the aggregate (0 for a
/// record that was not aggregated), so (<see cref="SequenceNumber"/>, <see cref="SubSequenceNumber"/>) addresses it
/// uniquely and orders it within the shard, as the KCL's extended sequence number does.
/// </summary>
/// <param name="SequenceNumber">The parent Kinesis record's sequence number.</param>
/// <param name="SubSequenceNumber">Index of this user record in the aggregate; 0 when not aggregated.</param>
/// <param name="PartitionKey">The user record's partition key (the parent's when not aggregated).</param>
/// <param name="ExplicitHashKey">The user record's explicit hash key, if the producer set one.</param>
/// <param name="Data">The user record's bytes.</param>
/// <param name="IsAggregated">True when this came out of a KPL aggregate.</param>
public sealed record KplUserRecord(
    string SequenceNumber,
    long SubSequenceNumber,
    string PartitionKey,
    string? ExplicitHashKey,
    ReadOnlyMemory<byte> Data,
    bool IsAggregated)
{
    /// <summary><c>{SequenceNumber}:{SubSequenceNumber}</c>: a stable id for dedup and checkpoints.</summary>
    public string Id => $"{SequenceNumber}:{SubSequenceNumber}";
}
