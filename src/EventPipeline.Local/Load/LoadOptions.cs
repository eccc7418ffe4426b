namespace EventPipeline.Local.Load;

/// <summary>Settings of one <c>load</c> run.</summary>
/// <param name="Rate">Events per second of the latency phase; null: half the kinesis-mock ceiling measured in the run.</param>
/// <param name="DurationSeconds">Seconds each phase sends for.</param>
/// <param name="Tenants">Tenants (one WebSocket client each).</param>
/// <param name="Sources">Sources to generate (cloudevents, github).</param>
/// <param name="Kpl">KPL-aggregate each tenant's records per tick.</param>
/// <param name="ThroughputRate">Events per second offered in the throughput phase; null: the kinesis-mock ceiling; 0 skips the phase.</param>
/// <param name="CeilingSeconds">Seconds each emulator's ceiling is measured for.</param>
/// <param name="FloorSamples">Samples of each floor hop.</param>
public sealed record LoadOptions(
    int? Rate,
    int DurationSeconds,
    int Tenants,
    IReadOnlyList<string> Sources,
    bool Kpl,
    int? ThroughputRate = null,
    int CeilingSeconds = 3,
    int FloorSamples = 40);
