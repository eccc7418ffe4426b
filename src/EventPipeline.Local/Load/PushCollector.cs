using System.Collections.Concurrent;
using System.Text.Json;

namespace EventPipeline.Local.Load;

/// <summary>
/// Ties each push back to its put by the trace id the push carries (the Kinesis record's <c>shardId:sequenceNumber</c>,
/// which PutRecords answered the producer) and records its stages in the phase the put belongs to. A push that arrives
/// before its put's answer was read is kept until it is.
/// </summary>
public sealed class PushCollector
{
    private readonly ConcurrentDictionary<string, Expected> _expected = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, (string Tenant, PushTraceStamps Trace, DateTimeOffset ReceivedAt)> _early = new(StringComparer.Ordinal);
    private long _pushes;
    private long _foreign;

    /// <summary>Change messages received, traced or not.</summary>
    public long Pushes => Interlocked.Read(ref _pushes);

    /// <summary>Traced pushes on a connection of another tenant than the put's: must stay 0 (tenant isolation).</summary>
    public long ForeignTenantPushes => Interlocked.Read(ref _foreign);

    /// <summary>The record <paramref name="traceId"/> holds <paramref name="events"/> events of <paramref name="tenant"/>, put at <paramref name="putAt"/>.</summary>
    public void Expect(string traceId, string tenant, DateTimeOffset putAt, PhaseStages phase, int events = 1)
    {
        ArgumentNullException.ThrowIfNull(phase);
        var expected = new Expected(tenant, putAt, phase, events);
        _expected[traceId] = expected;
        if (_early.TryRemove(traceId, out var early))
        {
            Match(expected, traceId, early.Tenant, early.Trace, early.ReceivedAt);
        }
    }

    /// <summary>One message a client of <paramref name="tenant"/> received.</summary>
    public void OnMessage(string tenant, ReadOnlySpan<byte> message, DateTimeOffset receivedAt)
    {
        using var doc = JsonDocument.Parse(message.ToArray());
        var root = doc.RootElement;
        if (!root.TryGetProperty("type", out var type) || type.GetString() != "change")
        {
            return;
        }

        Interlocked.Increment(ref _pushes);
        if (PushTraceStamps.Of(root) is not { } trace)
        {
            return;
        }

        if (_expected.TryGetValue(trace.Id, out var expected))
        {
            Match(expected, trace.Id, tenant, trace, receivedAt);
        }
        else
        {
            _early[trace.Id] = (tenant, trace, receivedAt);
        }
    }

    private void Match(Expected expected, string traceId, string tenant, PushTraceStamps trace, DateTimeOffset receivedAt)
    {
        if (expected.Tenant != tenant)
        {
            Interlocked.Increment(ref _foreign);
            return;
        }

        expected.Phase.Record(tenant, expected.PutAt, trace, receivedAt);
        if (Interlocked.Decrement(ref expected.Remaining) <= 0)
        {
            _expected.TryRemove(traceId, out _);
        }
    }

    /// <summary>What is known of one put record until its pushes arrive.</summary>
    private sealed class Expected(string tenant, DateTimeOffset putAt, PhaseStages phase, int remaining)
    {
        public string Tenant { get; } = tenant;

        public DateTimeOffset PutAt { get; } = putAt;

        public PhaseStages Phase { get; } = phase;

        public int Remaining = remaining;
    }
}
