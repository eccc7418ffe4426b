using System.Collections.Concurrent;
using EventPipeline.Local.Latency;

namespace EventPipeline.Local.Load;

/// <summary>
/// What the clients saw of one phase's events, per event from its put to its push: the stages between the stamps of
/// the push's trace (all on this machine's clock), end to end, and end to end per tenant.
/// </summary>
public sealed class PhaseStages
{
    private readonly ConcurrentDictionary<string, StageHistogram> _byTenant = new(StringComparer.Ordinal);
    private long _matched;
    private long _firstPutTicks;
    private long _lastPushTicks;
    private long _putsFinishedTicks;

    /// <summary>Producer's put → Kinesis's arrival timestamp.</summary>
    public StageHistogram Put { get; } = new();

    /// <summary>Events the phase's rate and duration called for (more than were put when the producer's deadline cut it short).</summary>
    public long Due { get; set; }

    /// <summary>Kinesis arrival → Ingest started.</summary>
    public StageHistogram StreamToIngest { get; } = new();

    /// <summary>Ingest started → entity write sent.</summary>
    public StageHistogram Ingest { get; } = new();

    /// <summary>Entity write sent → Publish started.</summary>
    public StageHistogram WriteToPublish { get; } = new();

    /// <summary>Publish started → PostToConnection sent.</summary>
    public StageHistogram Publish { get; } = new();

    /// <summary>PostToConnection sent → received by the client.</summary>
    public StageHistogram Deliver { get; } = new();

    /// <summary>Producer's put → received by the client.</summary>
    public StageHistogram EndToEnd { get; } = new();

    /// <summary>Events whose push arrived.</summary>
    public long Matched => Interlocked.Read(ref _matched);

    /// <summary>End to end, per tenant.</summary>
    public IReadOnlyDictionary<string, StageSummary> EndToEndByTenant => _byTenant.ToDictionary(t => t.Key, t => t.Value.Total(), StringComparer.Ordinal);

    /// <summary>First put of the phase → last push received (what its sustained rate is computed over).</summary>
    public TimeSpan Span => _lastPushTicks == 0 ? TimeSpan.Zero : TimeSpan.FromTicks(Interlocked.Read(ref _lastPushTicks) - Interlocked.Read(ref _firstPutTicks));

    /// <summary>
    /// First put → the producer's last accepted put: what the offered rate is computed over. Longer than the phase's
    /// duration when the stream could not take the events as fast as they were due.
    /// </summary>
    public TimeSpan PutSpan => _putsFinishedTicks == 0 ? TimeSpan.Zero : TimeSpan.FromTicks(Interlocked.Read(ref _putsFinishedTicks) - Interlocked.Read(ref _firstPutTicks));

    /// <summary>Notes that the producer put its last event of the phase.</summary>
    public void PutsFinished(DateTimeOffset at) => Interlocked.Exchange(ref _putsFinishedTicks, at.UtcTicks);

    /// <summary>Notes the phase's first put.</summary>
    public void Started(DateTimeOffset at) => Interlocked.CompareExchange(ref _firstPutTicks, at.UtcTicks, 0);

    /// <summary>Records one event's push: its put time, the trace's stamps and when the client received it.</summary>
    public void Record(string tenant, DateTimeOffset putAt, PushTraceStamps trace, DateTimeOffset receivedAt)
    {
        ArgumentNullException.ThrowIfNull(trace);
        Put.Record(trace.ArrivedAt - putAt);
        StreamToIngest.Record(trace.IngestAt - trace.ArrivedAt);
        Ingest.Record(trace.WriteAt - trace.IngestAt);
        WriteToPublish.Record(trace.PublishAt - trace.WriteAt);
        Publish.Record(trace.PostAt - trace.PublishAt);
        Deliver.Record(receivedAt - trace.PostAt);
        EndToEnd.Record(receivedAt - putAt);
        _byTenant.GetOrAdd(tenant, _ => new StageHistogram()).Record(receivedAt - putAt);
        Interlocked.Increment(ref _matched);
        long last;
        do
        {
            last = Interlocked.Read(ref _lastPushTicks);
        }
        while (receivedAt.UtcTicks > last && Interlocked.CompareExchange(ref _lastPushTicks, receivedAt.UtcTicks, last) != last);
    }
}
