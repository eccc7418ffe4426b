using System.Runtime.InteropServices;
using System.Security.Cryptography;
using Google.Protobuf;

namespace EventPipeline.Aws.Kinesis;

/// <summary>A user record to pack into an aggregate.</summary>
public sealed record KplAggregationEntry(string PartitionKey, ReadOnlyMemory<byte> Data, string? ExplicitHashKey = null);
