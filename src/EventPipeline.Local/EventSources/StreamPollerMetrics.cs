using System.Collections.Concurrent;
using EventPipeline.Local.Latency;

namespace EventPipeline.Local.EventSources;

/// <summary>A point-in-time copy of a poller's counters.</summary>
/// <param name="Invocations">Handler invocations (first attempts, retries and bisected halves).</param>
/// <param name="Records">Records processed successfully (checkpointed).</param>
/// <param name="FunctionErrors">Invocations that failed in whole or in part.</param>
/// <param name="Retries">Re-invocations after a failure (bisected halves are not retries, as in Lambda).</param>
/// <param name="DiscardedRecords">Records given up and sent to the failure destination.</param>
/// <param name="IteratorAgeMilliseconds">How far behind the newest record the last read was (max over shards).</param>
/// <param name="ActiveShards">Shards currently being read.</param>
/// <param name="Checkpoints">Per shard, the sequence number of the last record resolved (processed or given up).</param>
/// <param name="DestinationFailures">Failed attempts to hand given-up records to the on-failure destination.</param>
/// <param name="ShardsWaitingOnDestination">Shards held back until the destination takes their given-up records.</param>
public sealed record StreamPollerMetricsSnapshot(
    long Invocations,
    long Records,
    long FunctionErrors,
    long Retries,
    long DiscardedRecords,
    long IteratorAgeMilliseconds,
    int ActiveShards,
    IReadOnlyDictionary<string, string> Checkpoints,
    long DestinationFailures = 0,
    IReadOnlyList<string>? ShardsWaitingOnDestination = null);

/// <summary>Live counters of one poller; thread-safe. Read them with <see cref="Snapshot"/>.</summary>
/// <param name="clock">The clock of the latency histograms' recent window (the system clock by default).</param>
public sealed class StreamPollerMetrics(TimeProvider? clock = null)
{
    /// <summary>Each record's time from being written (Kinesis: its arrival) to a read returning it.</summary>
    public StageHistogram Visible { get; } = new(clock);

    /// <summary>Each record's time from being read to the invocation that carries it (the batching window).</summary>
    public StageHistogram BatchingWait { get; } = new(clock);

    private readonly ConcurrentDictionary<string, string> _checkpoints = new();
    private readonly ConcurrentDictionary<string, long> _iteratorAge = new();
    private long _invocations;
    private long _records;
    private long _functionErrors;
    private long _retries;
    private long _discarded;
    private int _activeShards;
    private long _destinationFailures;
    private readonly ConcurrentDictionary<string, bool> _waitingOnDestination = new();

    /// <summary>Copies the current values.</summary>
    public StreamPollerMetricsSnapshot Snapshot() => new(
        Interlocked.Read(ref _invocations),
        Interlocked.Read(ref _records),
        Interlocked.Read(ref _functionErrors),
        Interlocked.Read(ref _retries),
        Interlocked.Read(ref _discarded),
        _iteratorAge.IsEmpty ? 0 : _iteratorAge.Values.Max(),
        Volatile.Read(ref _activeShards),
        new Dictionary<string, string>(_checkpoints),
        Interlocked.Read(ref _destinationFailures),
        [.. _waitingOnDestination.Keys.Order(StringComparer.Ordinal)]);

    internal void Invoked() => Interlocked.Increment(ref _invocations);

    internal void Succeeded(int records) => Interlocked.Add(ref _records, records);

    internal void FunctionError() => Interlocked.Increment(ref _functionErrors);

    internal void Retried() => Interlocked.Increment(ref _retries);

    internal void Discarded(int records) => Interlocked.Add(ref _discarded, records);

    internal void DestinationFailed(string shardId)
    {
        Interlocked.Increment(ref _destinationFailures);
        _waitingOnDestination[shardId] = true;
    }

    internal void DestinationRecovered(string shardId) => _waitingOnDestination.TryRemove(shardId, out _);

    internal void ShardStarted() => Interlocked.Increment(ref _activeShards);

    internal void ShardStopped(string shardId)
    {
        Interlocked.Decrement(ref _activeShards);
        _iteratorAge.TryRemove(shardId, out _);
    }

    internal void Checkpoint(string shardId, string sequenceNumber) => _checkpoints[shardId] = sequenceNumber;

    internal void IteratorAge(string shardId, long milliseconds) => _iteratorAge[shardId] = Math.Max(0, milliseconds);
}
