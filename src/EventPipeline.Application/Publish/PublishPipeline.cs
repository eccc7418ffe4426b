using System.Buffers;
using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using EventPipeline.Application.Ports;
using EventPipeline.Application.Tracing;
using EventPipeline.Domain;
using EventPipeline.Domain.Aggregation;

namespace EventPipeline.Application.Publish;

/// <summary>
/// Aggregate changes → channel pushes. Per batch: keep the latest image of each item, map it to its channels
/// (<c>tenant</c>, <c>entity/…</c> or <c>metric/…</c>, and <c>source/…</c> for the sources of the write), give each push
/// the next sequence of its channel (idempotent per batch, so a redelivered batch re-sends the same sequences), log
/// it for resume, and post it to the channel's subscribers — found through the index, with bounded parallelism, in
/// sequence order per connection. 410 Gone removes the connection; one bad connection never fails the batch.
/// A change that carries an <see cref="EventTrace"/> is posted with a <c>trace</c> member (the trace plus when Publish
/// started and when it posted); the change log keeps the push without it, since a replay is not the event's latency.
/// </summary>
/// <param name="connections">Subscriptions by channel.</param>
/// <param name="changeLog">Per-channel sequences and the log resumes read.</param>
/// <param name="pusher">Posts to connections.</param>
/// <param name="maxParallelPosts">Connections posted to at once.</param>
/// <param name="clock">Stamps the traces and times the posts (the system clock by default).</param>
public sealed class PublishPipeline(IConnectionStore connections, IChangeLog changeLog, IConnectionPusher pusher, int maxParallelPosts = 32, TimeProvider? clock = null)
{
    private readonly TimeProvider _clock = clock ?? TimeProvider.System;

    /// <summary>Processes one batch of changes (one stream batch, in stream order).</summary>
    public async Task<PublishBatchResult> ProcessAsync(ChangeBatch batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var publishStartedAt = _clock.GetUtcNow();
        var latest = new Dictionary<(string, string), (AggregateState State, long Version, EventTrace? Trace)>();
        foreach (var change in batch.Changes)
        {
            var state = change.State;
            if (state is LateEventState)
            {
                continue;
            }

            var key = (state.Key.Pk, state.Key.Sk);
            if (!latest.TryGetValue(key, out var seen))
            {
                latest[key] = (state, change.Version, change.Trace);
            }
            else if (seen.Version < change.Version)
            {
                // Coalesced into the latest state: the push is as late as the oldest write it stands for.
                latest[key] = (state, change.Version, Older(seen.Trace, change.Trace));
            }
        }

        if (latest.Count == 0)
        {
            return new PublishBatchResult(0, 0, 0, 0, 0);
        }

        var byChannel = new Dictionary<(string Tenant, string Channel), List<(AggregateState State, long Version, EventTrace? Trace)>>();
        foreach (var change in latest.Values.OrderBy(c => c.State.Key.Pk, StringComparer.Ordinal).ThenBy(c => c.State.Key.Sk, StringComparer.Ordinal))
        {
            foreach (var channel in ChannelsOf(change.State))
            {
                var k = (change.State.Key.Tenant, channel);
                if (!byChannel.TryGetValue(k, out var list))
                {
                    list = [];
                    byChannel[k] = list;
                }

                list.Add(change);
            }
        }

        var batchId = batch.BatchId;
        var outbox = new ConcurrentDictionary<string, ConcurrentQueue<(string Channel, long Sequence, byte[] Payload, EventTrace? Trace)>>(StringComparer.Ordinal);
        var pushes = 0;

        // Three rounds, so the change log is written in bulk: every channel's range, then every channel's entries in one
        // append (25 pages a request, not a request per channel), then the subscribers of each channel. A push is posted
        // only after its entry is in the log, so a client that resumes always finds what it missed.
        var groups = byChannel.ToList();
        var allocated = new (long First, byte[][] Payloads, ChannelAppend Append)[groups.Count];
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken };
        await Parallel.ForEachAsync(
            Enumerable.Range(0, groups.Count),
            parallel,
            async (g, ct) =>
            {
                var ((tenant, channel), changes) = (groups[g].Key, groups[g].Value);
                var first = await changeLog.AllocateAsync(tenant, channel, batchId, changes.Count, ct);
                // Each push is serialized once: the same bytes go to the change log and to every subscriber.
                var payloads = new byte[changes.Count][];
                var entries = new List<ChangeEntry>(changes.Count);
                for (var i = 0; i < changes.Count; i++)
                {
                    payloads[i] = PushJson(channel, first + i, changes[i].State, changes[i].Version);
                    entries.Add(new ChangeEntry(first + i, Encoding.UTF8.GetString(payloads[i])));
                }

                allocated[g] = (first, payloads, new ChannelAppend(tenant, channel, entries));
            });

        await changeLog.AppendAsync([.. allocated.Select(a => a.Append)], cancellationToken);
        await Parallel.ForEachAsync(
            Enumerable.Range(0, groups.Count),
            parallel,
            async (g, ct) =>
            {
                var ((tenant, channel), changes) = (groups[g].Key, groups[g].Value);
                var (first, payloads, _) = allocated[g];
                var subscribers = await connections.SubscribersAsync(tenant, channel, ct);
                foreach (var id in subscribers)
                {
                    var queue = outbox.GetOrAdd(id, _ => new ConcurrentQueue<(string, long, byte[], EventTrace?)>());
                    for (var i = 0; i < payloads.Length; i++)
                    {
                        queue.Enqueue((channel, first + i, payloads[i], changes[i].Trace));
                        Interlocked.Increment(ref pushes);
                    }
                }
            });

        var gone = 0;
        var failedPosts = 0;
        var timings = new ConcurrentBag<PushTiming>();
        await Parallel.ForEachAsync(
            outbox,
            new ParallelOptions { MaxDegreeOfParallelism = maxParallelPosts, CancellationToken = cancellationToken },
            async (entry, ct) =>
            {
                // In order per connection: per channel the client sees increasing sequences.
                foreach (var (_, _, payload, trace) in entry.Value.OrderBy(p => p.Channel, StringComparer.Ordinal).ThenBy(p => p.Sequence))
                {
                    var postedAt = _clock.GetUtcNow();
                    var posting = _clock.GetTimestamp();
                    var outcome = await pusher.PushAsync(entry.Key, trace is null ? payload : WithTrace(payload, trace, publishStartedAt, postedAt), ct);
                    if (trace is not null)
                    {
                        timings.Add(new PushTiming(trace, publishStartedAt, postedAt, _clock.GetElapsedTime(posting)));
                    }

                    switch (outcome)
                    {
                        case PushOutcome.Gone:
                            Interlocked.Increment(ref gone);
                            await connections.RemoveAsync(entry.Key, ct);
                            return;
                        case PushOutcome.Failed:
                            // This connection misses the push and resumes from the change log when it reconnects.
                            Interlocked.Increment(ref failedPosts);
                            break;
                    }
                }
            });

        return new PublishBatchResult(latest.Count, byChannel.Count, pushes, gone, failedPosts) { Timings = [.. timings] };
    }

    /// <summary>
    /// <paramref name="payload"/> (a push as <see cref="PushJson"/> wrote it) with a last member
    /// <c>"trace":{"id","arrivedAt","ingestAt","writeAt","publishAt","postAt"}</c>, times in epoch milliseconds.
    /// </summary>
    public static byte[] WithTrace(byte[] payload, EventTrace trace, DateTimeOffset publishStartedAt, DateTimeOffset postedAt)
    {
        ArgumentNullException.ThrowIfNull(payload);
        ArgumentNullException.ThrowIfNull(trace);
        if (payload.Length < 2 || payload[^1] != (byte)'}')
        {
            throw new ArgumentException("payload must be a JSON object", nameof(payload));
        }

        var buffer = new ArrayBufferWriter<byte>(payload.Length + 200);
        buffer.Write(payload.AsSpan(0, payload.Length - 1));
        buffer.Write(",\"trace\":"u8);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("id", trace.Id);
            w.WriteNumber("arrivedAt", trace.ArrivedAt.ToUnixTimeMilliseconds());
            w.WriteNumber("ingestAt", trace.IngestStartedAt.ToUnixTimeMilliseconds());
            w.WriteNumber("writeAt", trace.WriteSentAt.ToUnixTimeMilliseconds());
            w.WriteNumber("publishAt", publishStartedAt.ToUnixTimeMilliseconds());
            w.WriteNumber("postAt", postedAt.ToUnixTimeMilliseconds());
            w.WriteEndObject();
        }

        buffer.Write("}"u8);
        return buffer.WrittenSpan.ToArray();
    }

    private static EventTrace? Older(EventTrace? a, EventTrace? b) =>
        a is null ? b : b is null ? a : a.ArrivedAt <= b.ArrivedAt ? a : b;

    /// <summary>Channels a change is pushed on.</summary>
    public static IEnumerable<string> ChannelsOf(AggregateState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        yield return Channels.Tenant;
        switch (state)
        {
            case EntityViewState e:
                yield return Channels.ForEntity(e.Entity);
                break;
            case WindowState w:
                yield return Channels.ForMetric(w.WindowKey.Metric);
                break;
            case TotalState t:
                yield return Channels.ForMetric(t.Metric);
                break;
        }

        foreach (var s in state.ChangedBy)
        {
            yield return Channels.ForSource(s);
        }
    }

    /// <summary>The push message: <c>{"type":"change","channel","sequence","data"}</c>.</summary>
    public static byte[] PushJson(string channel, long sequence, AggregateState state, long version)
    {
        var buffer = new ArrayBufferWriter<byte>(512);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("type", "change");
            w.WriteString("channel", channel);
            w.WriteNumber("sequence", sequence);
            w.WritePropertyName("data");
            AggregateJson.Write(w, state, version);
            w.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }
}
