using EventPipeline.Local.Latency;

namespace EventPipeline.Local.Load;

/// <summary>
/// The emulators' own latencies, measured in the run they are compared with: the least any pipeline of these three
/// hops can take on this machine.
/// </summary>
/// <param name="KinesisVisibility">kinesis-mock: PutRecord sent → a GetRecords (read back to back) returns the record.</param>
/// <param name="StreamVisibility">DynamoDB Local: UpdateItem sent → a GetRecords of the table's stream (back to back) returns its record.</param>
/// <param name="WebSocketRoundTrip">The local gateway: a <c>ping</c> sent → its <c>pong</c> received.</param>
public sealed record FloorMeasurement(StageSummary KinesisVisibility, StageSummary StreamVisibility, StageSummary WebSocketRoundTrip)
{
    /// <summary>The three medians added: the floor an event's median latency is compared with.</summary>
    public double P50 => KinesisVisibility.P50 + StreamVisibility.P50 + WebSocketRoundTrip.P50;

    /// <summary>The three 99th percentiles added.</summary>
    public double P99 => KinesisVisibility.P99 + StreamVisibility.P99 + WebSocketRoundTrip.P99;
}
