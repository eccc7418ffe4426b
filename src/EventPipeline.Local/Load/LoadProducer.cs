using System.Diagnostics;
using EventPipeline.Application.Tracing;
using EventPipeline.Aws.Clients;
using EventPipeline.Aws.Kinesis;

namespace EventPipeline.Local.Load;

/// <summary>
/// Puts generated events on the stream through the local AWS endpoint, as a producer would (so a mapping on an
/// enhanced fan-out consumer is woken by them), at a fixed rate in 50 ms ticks, tenants and sources in turn. Each
/// accepted record's trace id (<c>shardId:sequenceNumber</c> from the PutRecords answer) is handed to the collector
/// with its put time; a record PutRecords refuses is put again at the next tick, keeping its first put time. Nothing
/// is skipped.
/// </summary>
public sealed class LoadProducer(IKinesisClient kinesis, string streamName, PushCollector collector, string runId, bool kpl)
{
    private const int PutsInFlight = 4;
    private const int RecordsPerCall = 500;
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(50);
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, long> _accepted = new(StringComparer.Ordinal);
    private long _seq;

    /// <summary>Events generated so far (every phase).</summary>
    public long Sent => Interlocked.Read(ref _seq);

    /// <summary>Events the stream acknowledged, per tenant: what each tenant's <c>events</c> total must come to.</summary>
    public IReadOnlyDictionary<string, long> AcceptedByTenant => _accepted.ToDictionary(a => a.Key, a => a.Value, StringComparer.Ordinal);

    /// <summary>
    /// Puts <paramref name="rate"/> events a second for <paramref name="duration"/>; returns the events the stream
    /// accepted. With a <paramref name="putDeadline"/>, no event is made or retried once that much time has passed: a
    /// stream too slow for the rate (kinesis-mock as its shards fill) then ends the phase with fewer events put than due
    /// (<see cref="PhaseStages.Due"/>) instead of running on for as long as it takes.
    /// </summary>
    public async Task<long> RunAsync(
        IReadOnlyList<string> tenants, IReadOnlyList<string> sources, double rate, TimeSpan duration, PhaseStages phase, Action<long>? progress, CancellationToken ct,
        TimeSpan? putDeadline = null)
    {
        ArgumentNullException.ThrowIfNull(tenants);
        ArgumentNullException.ThrowIfNull(sources);
        ArgumentNullException.ThrowIfNull(phase);
        var total = (long)Math.Round(rate * duration.TotalSeconds);
        phase.Due = total;
        var retry = new List<(LoadEvent Event, DateTimeOffset PutAt)>();
        long sent = 0;
        var clock = Stopwatch.StartNew();
        phase.Started(DateTimeOffset.UtcNow);
        while (sent < total || retry.Count > 0)
        {
            if (clock.Elapsed >= putDeadline)
            {
                // What was refused and not yet retried was never accepted: it is simply not put.
                sent -= retry.Count;
                break;
            }

            // At most what the calls in flight take at once, so the deadline is looked at between rounds of calls.
            var due = Math.Min(Math.Min(total, (long)(clock.Elapsed.TotalSeconds * rate)), sent + (PutsInFlight * RecordsPerCall) - retry.Count);
            var batch = new List<(LoadEvent Event, DateTimeOffset PutAt)>(retry);
            retry.Clear();
            var now = DateTimeOffset.UtcNow;
            for (; sent < due; sent++)
            {
                var seq = Interlocked.Increment(ref _seq) - 1;
                var tenant = tenants[(int)(seq % tenants.Count)];
                var source = sources[(int)(seq / tenants.Count % sources.Count)];
                batch.Add((LoadEvents.Create(tenant, source, runId, seq, now), now));
            }

            if (batch.Count > 0)
            {
                retry.AddRange(kpl ? await PutAggregatedAsync(batch, phase, ct) : await PutAsync(batch, phase, ct));
                progress?.Invoke(sent - retry.Count);
            }

            await Task.Delay(Tick, ct);
        }

        phase.PutsFinished(DateTimeOffset.UtcNow);
        return sent;
    }

    /// <summary>
    /// Puts the batch, 500 records per call, up to <see cref="PutsInFlight"/> calls at once (a producer's own
    /// concurrency: one call at a time fell further behind with every slow answer); returns what PutRecords refused.
    /// </summary>
    private async Task<List<(LoadEvent Event, DateTimeOffset PutAt)>> PutAsync(List<(LoadEvent Event, DateTimeOffset PutAt)> batch, PhaseStages phase, CancellationToken ct)
    {
        var chunks = batch.Chunk(RecordsPerCall).ToList();
        var refused = new System.Collections.Concurrent.ConcurrentBag<(LoadEvent, DateTimeOffset)>();
        await Parallel.ForEachAsync(chunks, new ParallelOptions { MaxDegreeOfParallelism = PutsInFlight, CancellationToken = ct }, async (chunk, token) =>
        {
            var result = await kinesis.PutRecordsAsync(streamName, chunk.Select(c => new PutRecordsEntry(c.Event.PartitionKey, c.Event.Data)).ToList(), token);
            for (var i = 0; i < chunk.Length; i++)
            {
                var r = result.Records[i];
                if (r.ErrorCode is null && r.ShardId is { } shard && r.SequenceNumber is { } sequence)
                {
                    collector.Expect(EventTrace.IdOf(shard, sequence), chunk[i].Event.Tenant, chunk[i].PutAt, phase);
                    _accepted.AddOrUpdate(chunk[i].Event.Tenant, 1, (_, n) => n + 1);
                }
                else
                {
                    refused.Add(chunk[i]);
                }
            }
        });
        return [.. refused];
    }

    /// <summary>One KPL aggregate per tenant; returns the events of any aggregate PutRecords refused.</summary>
    private async Task<List<(LoadEvent Event, DateTimeOffset PutAt)>> PutAggregatedAsync(List<(LoadEvent Event, DateTimeOffset PutAt)> batch, PhaseStages phase, CancellationToken ct)
    {
        var groups = batch.GroupBy(b => b.Event.Tenant, StringComparer.Ordinal).Select(g => g.ToList()).ToList();
        var entries = groups.Select(g => new PutRecordsEntry(g[0].Event.PartitionKey, KplAggregation.Aggregate(g.Select(e => new KplAggregationEntry(e.Event.PartitionKey, e.Event.Data)).ToList()))).ToList();
        var result = await kinesis.PutRecordsAsync(streamName, entries, ct);
        var refused = new List<(LoadEvent, DateTimeOffset)>();
        for (var i = 0; i < groups.Count; i++)
        {
            var r = result.Records[i];
            if (r.ErrorCode is null && r.ShardId is { } shard && r.SequenceNumber is { } sequence)
            {
                collector.Expect(EventTrace.IdOf(shard, sequence), groups[i][0].Event.Tenant, groups[i].Min(e => e.PutAt), phase, groups[i].Count);
                _accepted.AddOrUpdate(groups[i][0].Event.Tenant, groups[i].Count, (_, n) => n + groups[i].Count);
            }
            else
            {
                refused.AddRange(groups[i]);
            }
        }

        return refused;
    }
}
