using System.Globalization;
using EventPipeline.Aws.Clients;

namespace EventPipeline.Local.Tests.EventSources;

/// <summary>
/// In-memory shards with Kinesis-style iterators (position encoded in the iterator string), shared by the fake
/// Kinesis and DynamoDB Streams clients. Sequence numbers are increasing decimal strings across all shards.
/// </summary>
internal sealed class FakeShardStore<TRecord>
{
    private readonly object _gate = new();
    private readonly List<ShardData> _shards = [];
    private long _nextSequence = 49_000_000_000_000L;
    private int _getRecordsCalls;

    /// <summary>At most this many records per GetRecords call (models separate puts arriving over time).</summary>
    public int MaxRecordsPerRead { get; set; } = 10_000;

    /// <summary>GetRecords calls so far.</summary>
    public int GetRecordsCalls => Volatile.Read(ref _getRecordsCalls);

    public void AddShard(string shardId)
    {
        lock (_gate)
        {
            _shards.Add(new ShardData(shardId, NextSequence()));
        }
    }

    /// <summary>Appends a record built from its sequence number.</summary>
    public string Put(string shardId, Func<string, TRecord> build)
    {
        lock (_gate)
        {
            var shard = Find(shardId);
            if (shard.EndingSequence is not null)
            {
                throw new InvalidOperationException($"{shardId} is closed");
            }

            var sequence = NextSequence();
            shard.Records.Add((sequence, build(sequence)));
            return sequence;
        }
    }

    public void Close(string shardId)
    {
        lock (_gate)
        {
            Find(shardId).EndingSequence = NextSequence();
        }
    }

    public IReadOnlyList<Shard> ListShards()
    {
        lock (_gate)
        {
            return _shards.Select(s => new Shard(s.ShardId, s.StartingSequence, s.EndingSequence)).ToList();
        }
    }

    public string GetIterator(string shardId, string iteratorType, string? sequenceNumber)
    {
        lock (_gate)
        {
            var shard = Find(shardId);
            var position = iteratorType switch
            {
                "TRIM_HORIZON" => 0,
                "LATEST" => shard.Records.Count,
                "AT_SEQUENCE_NUMBER" => shard.Records.FindIndex(r => r.Sequence == sequenceNumber),
                "AFTER_SEQUENCE_NUMBER" => shard.Records.FindIndex(r => r.Sequence == sequenceNumber) + 1,
                _ => throw new ArgumentException($"iteratorType {iteratorType}"),
            };
            return $"{shardId}|{position.ToString(CultureInfo.InvariantCulture)}";
        }
    }

    public (IReadOnlyList<TRecord> Records, string? Next) Read(string iterator, int limit)
    {
        Interlocked.Increment(ref _getRecordsCalls);
        var parts = iterator.Split('|');
        var position = int.Parse(parts[1], CultureInfo.InvariantCulture);
        lock (_gate)
        {
            var shard = Find(parts[0]);
            var take = Math.Min(Math.Min(limit, MaxRecordsPerRead), shard.Records.Count - position);
            var records = shard.Records.Skip(position).Take(take).Select(r => r.Record).ToList();
            var next = position + take;
            var done = shard.EndingSequence is not null && next == shard.Records.Count;
            return (records, done ? null : $"{parts[0]}|{next.ToString(CultureInfo.InvariantCulture)}");
        }
    }

    private ShardData Find(string shardId) => _shards.Single(s => s.ShardId == shardId);

    private string NextSequence() => (_nextSequence++).ToString(CultureInfo.InvariantCulture);

    private sealed class ShardData(string shardId, string startingSequence)
    {
        public string ShardId { get; } = shardId;

        public string StartingSequence { get; } = startingSequence;

        public string? EndingSequence { get; set; }

        public List<(string Sequence, TRecord Record)> Records { get; } = [];
    }
}

/// <summary>An <see cref="IKinesisClient"/> over <see cref="FakeShardStore{TRecord}"/>.</summary>
internal sealed class FakeKinesisClient : IKinesisClient
{
    public const string StreamArn = "arn:aws:kinesis:us-east-1:111122223333:stream/events";

    public FakeShardStore<KinesisRecord> Store { get; } = new();

    public TimeProvider Clock { get; set; } = TimeProvider.System;

    /// <summary>Puts a record on <paramref name="shardId"/>; returns its sequence number.</summary>
    public string Put(string shardId, string data, DateTimeOffset? arrival = null, string partitionKey = "pk") =>
        Store.Put(shardId, seq => new KinesisRecord(seq, partitionKey, System.Text.Encoding.UTF8.GetBytes(data), arrival ?? Clock.GetUtcNow()));

    public Task CreateStreamAsync(string streamName, int shardCount, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task<StreamSummary> DescribeStreamSummaryAsync(string streamName, CancellationToken cancellationToken) =>
        Task.FromResult(new StreamSummary(streamName, StreamArn, "ACTIVE", Store.ListShards().Count(s => s.EndingSequenceNumber is null)));

    /// <summary>The shard producers' puts land on (created on the first put).</summary>
    public const string PutShard = "shardId-000000000000";

    private readonly object _putShardGate = new();

    /// <summary>How long each PutRecords call takes (a slow stream).</summary>
    public TimeSpan PutRecordsDelay { get; set; }

    /// <summary>Entries PutRecords refuses with ProvisionedThroughputExceededException (given the entry and how many times it was offered before).</summary>
    public Func<PutRecordsEntry, int, bool> Refuse { get; set; } = (_, _) => false;

    /// <summary>What producers put, in order: partition key and data as text.</summary>
    public IReadOnlyList<(string Key, string Data)> Puts => Store.ListShards().Any(s => s.ShardId == PutShard)
        ? Store.Read(Store.GetIterator(PutShard, "TRIM_HORIZON", null), int.MaxValue).Records.Select(r => (r.PartitionKey, System.Text.Encoding.UTF8.GetString(r.Data))).ToList()
        : [];

    private readonly Dictionary<string, int> _offered = new(StringComparer.Ordinal);

    public Task<PutRecordResult> PutRecordAsync(string streamName, string partitionKey, ReadOnlyMemory<byte> data, CancellationToken cancellationToken) =>
        Task.FromResult(new PutRecordResult(PutShard, PutOnShard(partitionKey, data)));

    public async Task<PutRecordsResult> PutRecordsAsync(string streamName, IReadOnlyList<PutRecordsEntry> records, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(records);
        await Task.Delay(PutRecordsDelay, cancellationToken);
        var results = new List<PutRecordsResultEntry>(records.Count);
        foreach (var entry in records)
        {
            int before;
            lock (_offered)
            {
                var id = entry.PartitionKey + "\n" + Convert.ToBase64String(entry.Data.Span);
                before = _offered.GetValueOrDefault(id);
                _offered[id] = before + 1;
            }

            results.Add(Refuse(entry, before)
                ? new PutRecordsResultEntry(null, null, "ProvisionedThroughputExceededException", "Rate exceeded for shard")
                : new PutRecordsResultEntry(PutShard, PutOnShard(entry.PartitionKey, entry.Data), null, null));
        }

        return new PutRecordsResult(results.Count(r => r.ErrorCode is not null), results);
    }

    private string PutOnShard(string partitionKey, ReadOnlyMemory<byte> data)
    {
        lock (_putShardGate)
        {
            if (!Store.ListShards().Any(s => s.ShardId == PutShard))
            {
                Store.AddShard(PutShard);
            }
        }

        return Store.Put(PutShard, seq => new KinesisRecord(seq, partitionKey, data.ToArray(), Clock.GetUtcNow()));
    }

    public Task<IReadOnlyList<Shard>> ListShardsAsync(string streamName, CancellationToken cancellationToken) =>
        Task.FromResult(Store.ListShards());

    public Task<string> GetShardIteratorAsync(string streamName, string shardId, string iteratorType, string? startingSequenceNumber, CancellationToken cancellationToken) =>
        Task.FromResult(Store.GetIterator(shardId, iteratorType, startingSequenceNumber));

    public Task<GetRecordsResult> GetRecordsAsync(string shardIterator, int limit, CancellationToken cancellationToken)
    {
        var (records, next) = Store.Read(shardIterator, limit);
        return Task.FromResult(new GetRecordsResult(records, next, 0));
    }
}
