using System.Runtime.InteropServices;
using System.Security.Cryptography;
using Google.Protobuf;

namespace EventPipeline.Aws.Kinesis;

/// <summary>The user records of one Kinesis record, or why the aggregate could not be read.</summary>
public sealed record KplDeaggregationResult(IReadOnlyList<KplUserRecord> Records, string? Error)
{
    /// <summary>True when <see cref="Error"/> is null.</summary>
    public bool Succeeded => Error is null;
}
