using EventPipeline.Aws.Aggregates;
using EventPipeline.Aws.DeadLetters;
using EventPipeline.Domain;
using EventPipeline.Domain.Aggregation;
using EventPipeline.Lambda.Events;
using EventPipeline.Sources;

namespace EventPipeline.Ingest;

/// <summary>What one Kinesis batch did.</summary>
public sealed record IngestBatchResult
{
    /// <summary>Records in the batch (KPL aggregates count once).</summary>
    public int Records { get; init; }

    /// <summary>Canonical events applied (a redelivered event this position owns counts again; its keys are skipped by watermark).</summary>
    public int Applied { get; init; }

    /// <summary>Events skipped because another stream position owns their dedup id (provider resends, redrives).</summary>
    public int Duplicates { get; init; }

    /// <summary>Applied events that missed at least one closed window (counted late on their metrics' totals).</summary>
    public int Late { get; init; }

    /// <summary>User records dead-lettered with a reason.</summary>
    public int DeadLettered { get; init; }

    /// <summary>Aggregate item writes (at most one per distinct key, plus conflict retries).</summary>
    public int ItemWrites { get; init; }

    /// <summary>Dedup claim writes (one conditional put per event not claimed before).</summary>
    public int DedupWrites { get; init; }

    /// <summary>Rejections by category (malformed, unknown-source, rejected, invalid-event, bad-aggregate).</summary>
    public IReadOnlyDictionary<string, int> DeadLettersByCategory { get; init; } = new Dictionary<string, int>();

    /// <summary>Sequence numbers to report as batch item failures (retried by the event source mapping).</summary>
    public IReadOnlyList<string> FailedSequenceNumbers { get; init; } = [];
}

/// <summary>Splits a Kinesis record into user records (KPL de-aggregation), or says why it cannot.</summary>
public interface IRecordSplitter
{
    /// <summary>The user records of <paramref name="data"/>, or a rejection for a corrupt aggregate.</summary>
    (IReadOnlyList<ReadOnlyMemory<byte>> Records, Rejection? Error) Split(ReadOnlyMemory<byte> data);
}

/// <summary>
/// The ingest service: Kinesis batch → envelopes → source adapters → canonical events → dedup → exactly-once,
/// coalesced aggregate writes. Bad input never stops the batch: it is dead-lettered with its reason and counted.
/// A transient failure (enrichment unavailable, DynamoDB refusing a key) fails that record and every later record of
/// the batch stays unapplied for this attempt, so the retry (which restarts at the lowest failed sequence) loses nothing.
/// </summary>
public sealed class IngestPipeline(
    IReadOnlyDictionary<string, SourceRegistration> sources,
    IRecordSplitter splitter,
    IAggregateStore aggregates,
    IDedupStore dedup,
    IDeadLetterSink deadLetters,
    TimeProvider clock,
    AggregationOptions options,
    string functionName)
{
    /// <summary>Processes one batch (all records from one shard, in order).</summary>
    public async Task<IngestBatchResult> ProcessAsync(KinesisEvent batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var now = clock.GetUtcNow();
        var context = new AggregationContext(now, options);
        var candidates = new List<SequencedEvent>();
        var letters = new List<DeadLetterEntry>();
        var byCategory = new Dictionary<string, int>(StringComparer.Ordinal);
        var failed = new List<string>();

        foreach (var record in batch.Records)
        {
            var k = record.Kinesis;
            var shard = ShardOf(record);
            var arrived = DateTimeOffset.FromUnixTimeMilliseconds((long)(k.ApproximateArrivalTimestamp * 1000));

            // Lateness is judged at arrival (fixed for the record across redeliveries), not at processing time: a retry
            // an hour later must not find the event late for keys the first attempt already wrote it into. A missing or
            // future arrival falls back to now.
            var judgedAt = k.ApproximateArrivalTimestamp > 0 && arrived <= now ? arrived : now;
            var (userRecords, splitError) = splitter.Split(k.Data);
            if (splitError is not null)
            {
                letters.Add(Letter(record, shard, null, "bad-aggregate", splitError, null, null, now));
                continue;
            }

            var transient = false;
            for (var sub = 0; sub < userRecords.Count; sub++)
            {
                var (events, letter) = await AdaptAsync(record, shard, userRecords.Count > 1 ? sub : null, userRecords[sub], arrived, now, cancellationToken);
                if (letter is null && events is null)
                {
                    transient = true;
                    break;
                }

                if (letter is not null)
                {
                    letters.Add(letter);
                    continue;
                }

                for (var i = 0; i < events!.Count; i++)
                {
                    candidates.Add(new SequencedEvent(events[i], shard, new StreamPosition(k.SequenceNumber, sub, i), judgedAt));
                }
            }

            if (transient)
            {
                // Later records must not move any watermark past this one: drop this record's siblings too.
                candidates.RemoveAll(c => c.Position.SequenceNumber == k.SequenceNumber);
                failed.Add(k.SequenceNumber);
                break;
            }
        }

        foreach (var l in letters)
        {
            byCategory[l.Category] = byCategory.GetValueOrDefault(l.Category) + 1;
        }

        if (letters.Count > 0)
        {
            await deadLetters.SendAsync(letters, cancellationToken);
        }

        // Dedup: first occurrence in the batch wins; then each event is claimed for its stream position, and an event
        // another position owns (applied, or still being applied by a retried batch of any shard) is skipped.
        var firstOccurrence = new Dictionary<DedupKey, SequencedEvent>();
        var duplicates = 0;
        foreach (var c in candidates)
        {
            if (!firstOccurrence.TryAdd(c.Event.DedupKey, c))
            {
                duplicates++;
            }
        }

        var claim = firstOccurrence.Count == 0
            ? new DedupClaim(new HashSet<DedupKey>(), 0)
            : await dedup.ClaimAsync(firstOccurrence.Values.Select(c => (c.Event.DedupKey, OwnerOf(c))).ToList(), cancellationToken);
        duplicates += claim.OwnedElsewhere.Count;
        var fresh = firstOccurrence.Values.Where(c => !claim.OwnedElsewhere.Contains(c.Event.DedupKey)).OrderBy(c => c.Position).ToList();

        // Events this position already applied (a redelivery) are skipped per key by the watermarks.
        var outcome = await aggregates.ApplyAsync(fresh, context, cancellationToken);
        var dedupWrites = claim.WriteRequests + (outcome.Applied.Count == 0
            ? 0
            : await dedup.MarkAppliedAsync(outcome.Applied.Select(a => (a.Event.DedupKey, OwnerOf(a))).ToList(), cancellationToken));

        failed.AddRange(outcome.FailedSequenceNumbers);
        return new IngestBatchResult
        {
            Records = batch.Records.Count,
            Applied = outcome.Applied.Count,
            Duplicates = duplicates,
            Late = outcome.Applied.Count(a => Granularities.All.Any(g => a.ContextFor(context).IsLate(a.Event.OccurredAt, g))),
            DeadLettered = letters.Count,
            ItemWrites = outcome.ItemWrites,
            DedupWrites = dedupWrites,
            DeadLettersByCategory = byCategory,
            FailedSequenceNumbers = failed.Distinct(StringComparer.Ordinal).ToList(),
        };
    }

    /// <summary>Events of one user record; or a dead letter; or (null, null) for a transient failure.</summary>
    private async Task<(IReadOnlyList<CanonicalEvent>? Events, DeadLetterEntry? Letter)> AdaptAsync(
        KinesisEvent.KinesisEventRecord record, string shard, int? sub, ReadOnlyMemory<byte> data, DateTimeOffset arrived, DateTimeOffset now, CancellationToken ct)
    {
        IngestEnvelope envelope;
        try
        {
            envelope = IngestEnvelopeCodec.Decode(data.Span, arrived);
        }
        catch (RejectionException ex)
        {
            return (null, Letter(record, shard, sub, "malformed", ex.Rejection, null, null, now));
        }

        if (!Names.IsValidTenant(envelope.Tenant))
        {
            return (null, Letter(record, shard, sub, "malformed", new Rejection("tenant", Names.TenantRule), envelope.Tenant, envelope.Source, now));
        }

        if (!sources.TryGetValue(envelope.Source, out var source))
        {
            var known = string.Join(", ", sources.Keys.Order(StringComparer.Ordinal));
            return (null, Letter(record, shard, sub, "unknown-source", new Rejection("source", $"must be one of: {known}"), envelope.Tenant, envelope.Source, now));
        }

        AdapterResult result;
        try
        {
            result = await source.Adapter.AdaptAsync(envelope, ct);
        }
        catch (TransientSourceException)
        {
            return (null, null);
        }
#pragma warning disable CA1031 // An adapter bug must not block the shard: the record is dead-lettered with the exception type.
        catch (Exception ex) when (ex is not OperationCanceledException)
#pragma warning restore CA1031
        {
            return (null, Letter(record, shard, sub, "adapter-error", new Rejection("record", $"adapter failed with {ex.GetType().Name}"), envelope.Tenant, envelope.Source, now));
        }

        switch (result)
        {
            case AdapterResult.Rejected r:
                return (null, Letter(record, shard, sub, "rejected", r.Reason, envelope.Tenant, envelope.Source, now));
            case AdapterResult.Accepted a:
                foreach (var e in a.Events)
                {
                    if (EventValidation.Check(e) is { } invalid)
                    {
                        return (null, Letter(record, shard, sub, "invalid-event", invalid, envelope.Tenant, envelope.Source, now));
                    }

                    if (e.Tenant != envelope.Tenant)
                    {
                        return (null, Letter(record, shard, sub, "invalid-event", new Rejection("tenant", "must equal the envelope's tenant"), envelope.Tenant, envelope.Source, now));
                    }
                }

                return (a.Events, null);
            default:
                throw new InvalidOperationException("unknown adapter result");
        }
    }

    private DeadLetterEntry Letter(KinesisEvent.KinesisEventRecord record, string shard, int? sub, string category, Rejection reason, string? tenant, string? source, DateTimeOffset now) => new()
    {
        Id = sub is null ? $"{shard}/{record.Kinesis.SequenceNumber}" : $"{shard}/{record.Kinesis.SequenceNumber}/{sub}",
        Category = category,
        Field = reason.Field,
        Rule = reason.Rule,
        Reason = reason.Message,
        Function = functionName,
        StreamArn = record.EventSourceArn,
        ShardId = shard,
        SequenceNumber = record.Kinesis.SequenceNumber,
        SubSequence = sub,
        PartitionKey = record.Kinesis.PartitionKey,
        Data = record.Kinesis.Data,
        Tenant = tenant,
        Source = source,
        Attempts = 1,
        ApproximateArrivalTimestamp = DateTimeOffset.FromUnixTimeMilliseconds((long)(record.Kinesis.ApproximateArrivalTimestamp * 1000)),
        DeadLetteredAt = now,
    };

    private static string OwnerOf(SequencedEvent e) => $"{e.ShardId}/{e.Position.Encoded}";

    /// <summary>Shard id from the record's eventID (<c>shardId-000000000000:49545...</c>).</summary>
    public static string ShardOf(KinesisEvent.KinesisEventRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        var id = record.EventId ?? "";
        var colon = id.IndexOf(':', StringComparison.Ordinal);
        return colon > 0 ? id[..colon] : "shardId-000000000000";
    }
}
