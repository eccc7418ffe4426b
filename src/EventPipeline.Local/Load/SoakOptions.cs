namespace EventPipeline.Local.Load;

/// <summary>Settings of one <c>soak</c> run.</summary>
/// <param name="DurationSeconds">Seconds to send for; DynamoDB Local is killed halfway.</param>
/// <param name="Tenants">Tenants with a reading client each (a stalled client's tenant comes on top).</param>
/// <param name="Sources">Sources to generate.</param>
/// <param name="Latency">The latency mode the soak's stack is deployed with.</param>
/// <param name="Rate">Events per second; null: half the kinesis-mock ceiling measured at the start.</param>
public sealed record SoakOptions(int DurationSeconds, int Tenants, IReadOnlyList<string> Sources, LatencyMode Latency, int? Rate);
