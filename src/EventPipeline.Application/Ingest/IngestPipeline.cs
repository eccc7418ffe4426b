using EventPipeline.Application.DeadLetters;
using EventPipeline.Application.Ports;
using EventPipeline.Application.Tracing;
using EventPipeline.Domain;
using EventPipeline.Domain.Aggregation;
using EventPipeline.Sources;

namespace EventPipeline.Application.Ingest;

/// <summary>
/// The ingest service: Kinesis batch → envelopes → source adapters → canonical events → dedup → exactly-once,
/// coalesced aggregate writes. Bad input never stops the batch: it is dead-lettered with its reason and counted.
/// A store failure (DynamoDB unreachable or refusing a key) fails that record and every later record of the batch
/// stays unapplied for this attempt, so the retry (which restarts at the lowest failed sequence, until the record's
/// maximum age) loses nothing. An enrichment source that stays unavailable after its own retries does not hold the
/// shard: the record is dead-lettered as <c>source-unavailable</c> before anything of it is written, so a redrive once
/// the source answers applies it exactly once.
/// </summary>
public sealed class IngestPipeline(
    IReadOnlyDictionary<string, SourceRegistration> sources,
    IRecordSplitter splitter,
    AggregateWriter aggregates,
    IDeadLetterSink deadLetters,
    TimeProvider clock,
    AggregationOptions options,
    string functionName)
{
    /// <summary>Processes one batch (all records from one shard, in order).</summary>
    public async Task<IngestBatchResult> ProcessAsync(IReadOnlyList<StreamRecord> batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var started = clock.GetTimestamp();
        var now = clock.GetUtcNow();
        var context = new AggregationContext(now, options);
        var candidates = new List<SequencedEvent>();
        var letters = new List<DeadLetterEntry>();
        var byCategory = new Dictionary<string, int>(StringComparer.Ordinal);

        foreach (var record in batch)
        {
            var arrived = record.ArrivedAt ?? now;

            // Lateness is judged at arrival (fixed for the record across redeliveries), not at processing time: a retry
            // an hour later must not find the event late for keys the first attempt already wrote it into. A missing or
            // future arrival falls back to now.
            var judgedAt = record.ArrivedAt is { } a && a <= now ? a : now;
            var split = splitter.Split(record.Data);
            if (split.Error is { } splitError)
            {
                letters.Add(Letter(record, null, "bad-aggregate", splitError, null, null, now));
                continue;
            }

            for (var sub = 0; sub < split.Records.Count; sub++)
            {
                var adapted = await AdaptAsync(record, split.Records.Count > 1 ? sub : null, split.Records[sub], arrived, now, cancellationToken);
                if (adapted.DeadLetter is { } letter)
                {
                    letters.Add(letter);
                    continue;
                }

                for (var i = 0; i < adapted.Events.Count; i++)
                {
                    candidates.Add(new SequencedEvent(adapted.Events[i], record.ShardId, new StreamPosition(record.SequenceNumber, sub, i), judgedAt));
                }
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

        var adaptTime = clock.GetElapsedTime(started);

        // Dedup and exactly-once are one protocol over the items (AggregateWriter): a copy of an event at another
        // position, in this batch or any other, is skipped at its entity item; a redelivered position is decided as before.
        var outcome = await aggregates.ApplyAsync(candidates, context, cancellationToken);
        return new IngestBatchResult
        {
            Records = batch.Count,
            Applied = outcome.Applied.Count,
            Duplicates = outcome.Duplicates,
            Late = outcome.Applied.Count(a => Granularities.All.Any(g => a.ContextFor(context).IsLate(a.Event.OccurredAt, g))),
            DeadLettered = letters.Count,
            ItemWrites = outcome.ItemWrites,
            DedupWrites = outcome.DedupWrites,
            EvictedWindows = outcome.EvictedWindows,
            DeadLettersByCategory = byCategory,
            FailedSequenceNumbers = [.. outcome.FailedSequenceNumbers],
            Stages = new IngestStageTimes(adaptTime, outcome.ReadTime, outcome.DedupTime, outcome.WriteTime),
        };
    }

    /// <summary>Events of one user record, or a dead letter.</summary>
    private async Task<AdaptOutcome> AdaptAsync(
        StreamRecord record, int? sub, ReadOnlyMemory<byte> data, DateTimeOffset arrived, DateTimeOffset now, CancellationToken ct)
    {
        DecodedRecord decoded;
        try
        {
            decoded = IngestEnvelopeCodec.Read(data, arrived);
        }
        catch (RejectionException ex)
        {
            return AdaptOutcome.Rejected(Letter(record, sub, "malformed", ex.Rejection, null, null, now));
        }

        // The record is parsed once: the adapter reads a JSON body's elements from the record's document, which goes back
        // to the pool once the envelope is adapted (events hold strings of their own, never elements).
        using var _ = decoded;
        var envelope = decoded.Envelope;

        if (!Names.IsValidTenant(envelope.Tenant))
        {
            return AdaptOutcome.Rejected(Letter(record, sub, "malformed", new Rejection("tenant", Names.TenantRule), envelope.Tenant, envelope.Source, now));
        }

        if (!sources.TryGetValue(envelope.Source, out var source))
        {
            var known = string.Join(", ", sources.Keys.Order(StringComparer.Ordinal));
            return AdaptOutcome.Rejected(Letter(record, sub, "unknown-source", new Rejection("source", $"must be one of: {known}"), envelope.Tenant, envelope.Source, now));
        }

        AdapterResult result;
        try
        {
            result = await source.Adapter.AdaptAsync(envelope, ct);
        }
        catch (TransientSourceException ex)
        {
            return AdaptOutcome.Rejected(Letter(
                record, sub, "source-unavailable", new Rejection("record", $"{ex.Message} (the {envelope.Source} API stayed unavailable after its retries; redrive once it answers)"), envelope.Tenant, envelope.Source, now));
        }
#pragma warning disable CA1031 // An adapter bug must not block the shard: the record is dead-lettered with the exception type.
        catch (Exception ex) when (ex is not OperationCanceledException)
#pragma warning restore CA1031
        {
            return AdaptOutcome.Rejected(Letter(record, sub, "adapter-error", new Rejection("record", $"adapter failed with {ex.GetType().Name}"), envelope.Tenant, envelope.Source, now));
        }

        switch (result)
        {
            case AdapterResult.Rejected r:
                return AdaptOutcome.Rejected(Letter(record, sub, "rejected", r.Reason, envelope.Tenant, envelope.Source, now));
            case AdapterResult.Accepted a:
                if (EventAcceptance.Check(a.Events, envelope.Tenant) is { } invalid)
                {
                    return AdaptOutcome.Rejected(Letter(record, sub, "invalid-event", invalid, envelope.Tenant, envelope.Source, now));
                }

                return AdaptOutcome.Adapted(a.Events);
            default:
                throw new InvalidOperationException("unknown adapter result");
        }
    }

    private DeadLetterEntry Letter(StreamRecord record, int? sub, string category, Rejection reason, string? tenant, string? source, DateTimeOffset now) => new()
    {
        Id = sub is null ? $"{record.ShardId}/{record.SequenceNumber}" : $"{record.ShardId}/{record.SequenceNumber}/{sub}",
        Category = category,
        Field = reason.Field,
        Rule = reason.Rule,
        Reason = reason.Message,
        Function = functionName,
        StreamArn = record.EventSourceArn,
        ShardId = record.ShardId,
        SequenceNumber = record.SequenceNumber,
        SubSequence = sub,
        PartitionKey = record.PartitionKey,
        Data = record.Data,
        Tenant = tenant,
        Source = source,
        Attempts = 1,
        ApproximateArrivalTimestamp = record.ArrivedAt,
        DeadLetteredAt = now,
    };

    /// <summary>What adapting one user record gave: events or a dead letter.</summary>
    private sealed record AdaptOutcome(IReadOnlyList<CanonicalEvent> Events, DeadLetterEntry? DeadLetter)
    {
        public static AdaptOutcome Adapted(IReadOnlyList<CanonicalEvent> events) => new(events, null);

        public static AdaptOutcome Rejected(DeadLetterEntry letter) => new([], letter);
    }
}
