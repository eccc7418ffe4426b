using EventPipeline.Aws.Clients;
using EventPipeline.Application.DeadLetters;
using EventPipeline.Local.DeadLetters;
using EventPipeline.Domain;
using EventPipeline.Sources;

namespace EventPipeline.Local;

/// <summary>
/// Puts dead-lettered ingest records back on the events stream with their original bytes, so the original dedup ids
/// come along: a redrive of something already applied (or redriven twice) is skipped by the ingest dedup and never
/// double-counts. Each redriven entry is marked (<see cref="IDeadLetterStore.MarkRedrivenAsync"/>); it stays in the
/// store so the history is visible. Shared by the <c>dlq</c> verb and the tests.
/// </summary>
public sealed class Redrive(IDeadLetterStore store, IKinesisClient kinesis, string streamName)
{
    /// <summary>Most entries listed or considered by <c>--all</c>.</summary>
    public const int MaxEntries = 10_000;

    /// <summary>Every entry, oldest first (optionally one category).</summary>
    public async Task<IReadOnlyList<DeadLetterEntry>> ListAsync(string? category, CancellationToken cancellationToken)
    {
        var all = await store.ListAsync(MaxEntries, cancellationToken);
        return category is null ? all : all.Where(e => string.Equals(e.Category, category, StringComparison.Ordinal)).ToList();
    }

    /// <summary>Redrives the entries with these ids; unknown ids and entries that cannot be redriven get an error each.</summary>
    public async Task<IReadOnlyList<RedriveOutcome>> RedriveAsync(IReadOnlyCollection<string> ids, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var entries = new List<DeadLetterEntry>();
        var outcomes = new List<RedriveOutcome>();
        foreach (var id in ids.Distinct(StringComparer.Ordinal))
        {
            if (await store.GetAsync(id, cancellationToken) is { } e)
            {
                entries.Add(e);
            }
            else
            {
                outcomes.Add(new RedriveOutcome(id, null, "id: no dead-letter entry has this id (see 'dlq list')"));
            }
        }

        outcomes.AddRange(await RedriveEntriesAsync(entries, cancellationToken));
        return outcomes;
    }

    /// <summary>
    /// Redrives every ingest entry never redriven before (optionally one category). Entries already redriven are left
    /// alone: redriving them again is harmless but only on request, by id.
    /// </summary>
    public async Task<IReadOnlyList<RedriveOutcome>> RedriveAllAsync(string? category, CancellationToken cancellationToken)
    {
        var entries = (await ListAsync(category, cancellationToken)).Where(e => e.RedriveCount == 0 && IsIngestEntry(e)).ToList();
        return await RedriveEntriesAsync(entries, cancellationToken);
    }

    private async Task<IReadOnlyList<RedriveOutcome>> RedriveEntriesAsync(IReadOnlyList<DeadLetterEntry> entries, CancellationToken ct)
    {
        var outcomes = new List<RedriveOutcome>();
        // KPL sub-records of one aggregate share the aggregate's bytes: put them once, mark every entry.
        var putOnce = new Dictionary<(string Shard, string Sequence), string>();
        foreach (var e in entries)
        {
            if (!IsIngestEntry(e))
            {
                outcomes.Add(new RedriveOutcome(e.Id, null, $"function: entry came from '{e.Function}', only records of the events stream (ingest) can be redriven"));
                continue;
            }

            if (e.Data.Length == 0)
            {
                // An on-failure record (batch metadata, as Lambda writes it) or an entry too large for SQS: the records
                // are re-read from the stream by shard and sequence range while the stream still retains them.
                outcomes.Add(await RedriveFromStreamAsync(e, ct));
                continue;
            }

            var key = (e.ShardId, e.SequenceNumber);
            if (!putOnce.TryGetValue(key, out var sequence))
            {
                var put = await kinesis.PutRecordAsync(streamName, PartitionKeyOf(e), e.Data, ct);
                sequence = put.SequenceNumber;
                putOnce[key] = sequence;
            }

            await store.MarkRedrivenAsync(e.Id, ct);
            outcomes.Add(new RedriveOutcome(e.Id, sequence, null));
        }

        return outcomes;
    }

    private async Task<RedriveOutcome> RedriveFromStreamAsync(DeadLetterEntry e, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(e.ShardId) || string.IsNullOrEmpty(e.SequenceNumber))
        {
            return new RedriveOutcome(e.Id, null, "data: the entry holds neither record bytes nor a shard and sequence number to re-read them from");
        }

        var records = await ReadRangeAsync(e.ShardId, e.SequenceNumber, e.EndSequenceNumber ?? e.SequenceNumber, ct);
        if (records is null)
        {
            return new RedriveOutcome(e.Id, null,
                $"sequenceNumber: the records {e.SequenceNumber}..{e.EndSequenceNumber ?? e.SequenceNumber} of {e.ShardId} are past the stream's retention and can no longer be re-read");
        }

        string? last = null;
        foreach (var record in records)
        {
            last = (await kinesis.PutRecordAsync(streamName, record.PartitionKey, record.Data, ct)).SequenceNumber;
        }

        await store.MarkRedrivenAsync(e.Id, ct);
        return new RedriveOutcome(e.Id, last, null);
    }

    /// <summary>The shard's records from <paramref name="first"/> to <paramref name="last"/>; null when the first one is gone.</summary>
    private async Task<List<KinesisRecord>?> ReadRangeAsync(string shardId, string first, string last, CancellationToken ct)
    {
        string? iterator;
        try
        {
            iterator = await kinesis.GetShardIteratorAsync(streamName, shardId, "AT_SEQUENCE_NUMBER", first, ct);
        }
        catch (AwsServiceException ex) when (ex.ErrorCode is "InvalidArgumentException" or "ResourceNotFoundException")
        {
            return null;
        }

        var end = System.Numerics.BigInteger.Parse(last, System.Globalization.CultureInfo.InvariantCulture);
        var records = new List<KinesisRecord>();
        for (var emptyReads = 0; iterator is not null && emptyReads < 3;)
        {
            var page = await kinesis.GetRecordsAsync(iterator, 1000, ct);
            iterator = page.NextShardIterator;
            emptyReads = page.Records.Count == 0 ? emptyReads + 1 : 0;
            foreach (var record in page.Records)
            {
                if (System.Numerics.BigInteger.Parse(record.SequenceNumber, System.Globalization.CultureInfo.InvariantCulture) > end)
                {
                    return Checked(records, first);
                }

                records.Add(record);
            }

            if (page.MillisBehindLatest == 0 && page.Records.Count == 0)
            {
                break;
            }
        }

        return Checked(records, first);

        // A trimmed start returns later records: the range is only complete when its first record is there.
        static List<KinesisRecord>? Checked(List<KinesisRecord> records, string first) =>
            records.Count > 0 && records[0].SequenceNumber == first ? records : null;
    }

    /// <summary>True for records of the events stream (the ingest function's), which are the only ones a re-put makes sense for.</summary>
    public static bool IsIngestEntry(DeadLetterEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return entry.StreamArn is { } arn
            ? arn.Contains(":kinesis:", StringComparison.Ordinal)
            : string.Equals(entry.Function, "ingest", StringComparison.Ordinal);
    }

    /// <summary>
    /// The partition key to re-put with: the original one when the entry has it (dead letters written by the ingest
    /// function). Entries from the mapping's on-failure destination do not carry it (Lambda's on-failure record has no
    /// partition keys), so the tenant — the key producers and the webhook function use — stands in, read from the
    /// entry or from the record itself; the entry id as a last resort.
    /// </summary>
    public static string PartitionKeyOf(DeadLetterEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        if (!string.IsNullOrEmpty(entry.PartitionKey))
        {
            return entry.PartitionKey;
        }

        if (!string.IsNullOrEmpty(entry.Tenant))
        {
            return entry.Tenant;
        }

        try
        {
            var envelope = IngestEnvelopeCodec.Decode(entry.Data, entry.ApproximateArrivalTimestamp ?? entry.DeadLetteredAt);
            if (!string.IsNullOrEmpty(envelope.Tenant))
            {
                return envelope.Tenant.Length > 256 ? envelope.Tenant[..256] : envelope.Tenant;
            }
        }
        catch (RejectionException)
        {
            // Not an envelope (e.g. a KPL aggregate): fall through.
        }

        return entry.Id.Length > 256 ? entry.Id[..256] : entry.Id;
    }
}
