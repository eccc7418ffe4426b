using System.Globalization;
using System.Numerics;
using EventPipeline.Aws.Clients;
using EventPipeline.Lambda;
using EventPipeline.Lambda.Events;

namespace EventPipeline.Local.EventSources;

/// <summary>One page of a shard read.</summary>
internal sealed record RecordsPage<TRecord>(IReadOnlyList<TRecord> Records, string? NextShardIterator, long? MillisBehindLatest);

/// <summary>What differs between Kinesis and DynamoDB Streams: reading, record fields, and building the event.</summary>
internal interface IStreamSource<TRecord>
{
    /// <summary><c>aws:kinesis</c> or <c>aws:dynamodb</c>.</summary>
    string EventSource { get; }

    Task<string> ResolveStreamArnAsync(CancellationToken cancellationToken);

    Task<IReadOnlyList<Shard>> ListShardsAsync(string streamArn, CancellationToken cancellationToken);

    Task<string> GetShardIteratorAsync(string streamArn, string shardId, string iteratorType, string? sequenceNumber, CancellationToken cancellationToken);

    Task<RecordsPage<TRecord>> GetRecordsAsync(string shardIterator, int limit, CancellationToken cancellationToken);

    string SequenceNumberOf(TRecord record);

    DateTimeOffset ArrivalOf(TRecord record);

    /// <summary>
    /// When the record was written, to the millisecond, for the visibility latency; null when not known that precisely
    /// (a DynamoDB stream record's creation time is whole seconds).
    /// </summary>
    DateTimeOffset? WrittenAtOf(TRecord record);

    /// <summary>The record's bytes for the failure destination.</summary>
    byte[] PayloadOf(TRecord record);

    /// <summary>The record's partition key (Kinesis), or empty.</summary>
    string PartitionKeyOf(TRecord record);

    Task<StreamsEventResponse?> InvokeAsync(string streamArn, string shardId, IReadOnlyList<TRecord> batch, ILambdaContext context, CancellationToken cancellationToken);
}

/// <summary>
/// Lambda's stream event-source-mapping semantics, independent of the stream kind: one reader per shard (children
/// after their parents), batching window, partial batch responses, bisect on error, retry limit, record age, and the
/// on-failure destination. Records of a shard are handled strictly in order; a batch is resolved (processed or given
/// up) before the next one is read, so the checkpoint is always the last resolved record.
/// </summary>
internal sealed class StreamPollerEngine<TRecord>
{
    private readonly IStreamSource<TRecord> _source;
    private readonly StreamPollerOptions _options;
    private readonly Action<string> _log;

    public StreamPollerEngine(IStreamSource<TRecord> source, StreamPollerOptions options, StreamPollerMetrics metrics)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Mapping.BatchSize < 1)
        {
            throw new ArgumentException($"Mapping.BatchSize must be at least 1 (was {options.Mapping.BatchSize}).", nameof(options));
        }

        _source = source;
        _options = options;
        _log = options.Log ?? (_ => { });
        Metrics = metrics;
    }

    public StreamPollerMetrics Metrics { get; }

    private string _streamArn = "";

    /// <summary>Reads every shard until <paramref name="cancellationToken"/> is cancelled; returns then (no exception).</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            var streamArn = await RetryUntilAsync(() => _source.ResolveStreamArnAsync(cancellationToken), "resolve the stream", cancellationToken);
            _streamArn = streamArn;
            await RunShardsAsync(streamArn, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    private async Task RunShardsAsync(string streamArn, CancellationToken cancellationToken)
    {
        var known = new Dictionary<string, ShardState>(StringComparer.Ordinal);
        var first = true;
        try
        {
            while (true)
            {
                IReadOnlyList<Shard> shards;
                try
                {
                    shards = await _source.ListShardsAsync(streamArn, cancellationToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    _log($"{_options.FunctionName}: listing shards of {streamArn} failed: {ex.Message}; retrying");
                    shards = [];
                }

                foreach (var shard in shards)
                {
                    if (!known.ContainsKey(shard.ShardId))
                    {
                        // The starting position applies to the shards present at start; later ones (children of a
                        // reshard) are read from their beginning so nothing is skipped.
                        var iteratorType = first && _options.StartingPosition == StartingPosition.Latest ? "LATEST" : "TRIM_HORIZON";
                        // A checkpoint kept from an earlier run resumes the shard right after it (as Lambda's mapping
                        // resumes after a restart of the function), instead of from the starting position.
                        known[shard.ShardId] = new ShardState(shard, iteratorType) { ResumeAfter = _options.Checkpoints?.Get(streamArn, shard.ShardId) };
                    }
                }

                first = false;
                foreach (var state in known.Values)
                {
                    if (state.Loop is null && PredecessorsFinished(state.Shard, known.Values))
                    {
                        state.Loop = RunShardAsync(streamArn, state, cancellationToken);
                    }
                }

                var running = known.Values.Where(s => s.Loop is { IsCompleted: false }).Select(s => s.Loop!).ToList();
                var delay = Task.Delay(_options.ShardDiscoveryInterval, _options.Clock, cancellationToken);
                await Task.WhenAny([delay, .. running]);
                cancellationToken.ThrowIfCancellationRequested();
            }
        }
        finally
        {
            // Let shard readers observe the cancellation and finish their current step.
            await Task.WhenAll(known.Values.Where(s => s.Loop is not null).Select(s => s.Loop!));
        }
    }

    /// <summary>
    /// A shard waits for every closed shard whose last record precedes its first one: that covers its parents (the
    /// interface does not carry parent ids) and is harmless for older unrelated shards, which are finite.
    /// </summary>
    private static bool PredecessorsFinished(Shard shard, IEnumerable<ShardState> all) =>
        all.All(other =>
            other.Shard.ShardId == shard.ShardId
            || other.Shard.EndingSequenceNumber is null
            || CompareSequence(other.Shard.EndingSequenceNumber, shard.StartingSequenceNumber) >= 0
            || other.Finished);

    private async Task RunShardAsync(string streamArn, ShardState state, CancellationToken cancellationToken)
    {
        // Start on a pool thread so one shard's synchronous work never delays discovery.
        await Task.Yield();
        var shardId = state.Shard.ShardId;
        Metrics.ShardStarted();
        try
        {
            await ReadShardAsync(streamArn, state, cancellationToken);
            state.Finished = true;
            _log($"{_options.FunctionName}: shard {shardId} is closed and fully processed");
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopping.
        }
#pragma warning disable CA1031 // A reader must not die silently: log, and let discovery restart it from its checkpoint.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            _log($"{_options.FunctionName}: reader of {shardId} failed: {ex}; restarting after {state.ResumeAfter ?? "the start position"}");
            await Task.Delay(_options.ShardDiscoveryInterval, _options.Clock, CancellationToken.None);
            state.Loop = null;
        }
        finally
        {
            Metrics.ShardStopped(shardId);
        }
    }

    private async Task ReadShardAsync(string streamArn, ShardState state, CancellationToken cancellationToken)
    {
        var settings = _options.Mapping;
        var shardId = state.Shard.ShardId;
        var lastFetched = state.ResumeAfter;
        string? iterator = await RetryUntilAsync(
            () => lastFetched is null
                ? _source.GetShardIteratorAsync(streamArn, shardId, state.InitialIteratorType, null, cancellationToken)
                : _source.GetShardIteratorAsync(streamArn, shardId, "AFTER_SEQUENCE_NUMBER", lastFetched, cancellationToken),
            $"get an iterator for {shardId}",
            cancellationToken);
        var window = TimeSpan.FromSeconds(Math.Max(0, settings.MaximumBatchingWindowSeconds));

        while (true)
        {
            var batch = new List<TRecord>();
            var readAt = new List<DateTimeOffset>();
            DateTimeOffset? windowEnds = null;
            while (batch.Count < settings.BatchSize && iterator is not null)
            {
                // Taken before the read, so a put that lands while it runs still wakes the wait below.
                var woken = _options.RecordsPut?.Next;
                var asked = settings.BatchSize - batch.Count;
                RecordsPage<TRecord> page;
                try
                {
                    page = await _source.GetRecordsAsync(iterator, asked, cancellationToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // Expired iterator, emulator hiccup: resume right after the last record read.
                    _log($"{_options.FunctionName}: reading {shardId} failed: {ex.Message}; resuming after {lastFetched ?? "the start position"}");
                    await Task.Delay(_options.EmptyPollInterval, _options.Clock, cancellationToken);
                    iterator = await RetryUntilAsync(
                        () => lastFetched is null
                            ? _source.GetShardIteratorAsync(streamArn, shardId, state.InitialIteratorType, null, cancellationToken)
                            : _source.GetShardIteratorAsync(streamArn, shardId, "AFTER_SEQUENCE_NUMBER", lastFetched, cancellationToken),
                        $"get an iterator for {shardId}",
                        cancellationToken);
                    continue;
                }

                iterator = page.NextShardIterator;
                batch.AddRange(page.Records);
                var now = _options.Clock.GetUtcNow();
                if (page.Records.Count > 0)
                {
                    lastFetched = _source.SequenceNumberOf(page.Records[^1]);
                    foreach (var record in page.Records)
                    {
                        readAt.Add(now);
                        if (_source.WrittenAtOf(record) is { } written)
                        {
                            Metrics.Visible.Record(now - written);
                        }
                    }
                }

                Metrics.IteratorAge(
                    shardId,
                    page.MillisBehindLatest ?? (page.Records.Count > 0 ? (long)(now - _source.ArrivalOf(page.Records[^1])).TotalMilliseconds : 0));

                if (batch.Count >= settings.BatchSize || iterator is null)
                {
                    break;
                }

                if (batch.Count == 0)
                {
                    await IdleAsync(woken, cancellationToken);
                    continue;
                }

                // Records are waiting: invoke now (no window), or keep gathering until the window that started with
                // the first record closes.
                windowEnds ??= now + window;
                if (now >= windowEnds)
                {
                    break;
                }

                if (page.Records.Count < asked)
                {
                    // Caught up with the shard: read again at the polling rate, not in a tight loop, until the window closes.
                    var left = windowEnds.Value - now;
                    await Task.Delay(left < _options.EmptyPollInterval ? left : _options.EmptyPollInterval, _options.Clock, cancellationToken);
                }
            }

            if (batch.Count == 0)
            {
                return; // Iterator is null: the shard is closed and everything in it is resolved.
            }

            var invokingAt = _options.Clock.GetUtcNow();
            foreach (var read in readAt)
            {
                Metrics.BatchingWait.Record(invokingAt - read);
            }

            // Lambda never invokes with more than its synchronous payload limit: a batch whose records would exceed it
            // goes out as consecutive smaller batches, in order.
            foreach (var part in SplitByPayload(batch))
            {
                await ResolveAsync(streamArn, state, part, cancellationToken);
                Checkpoint(state, part[^1]);
            }
        }
    }

    /// <summary>An idle shard's pause: the polling interval, cut short by <paramref name="woken"/> (records put).</summary>
    private async Task IdleAsync(Task? woken, CancellationToken cancellationToken)
    {
        if (woken is null)
        {
            await Task.Delay(_options.EmptyPollInterval, _options.Clock, cancellationToken);
            return;
        }

        try
        {
            await woken.WaitAsync(_options.EmptyPollInterval, _options.Clock, cancellationToken);
        }
        catch (TimeoutException)
        {
            // No put announced: the fallback poll.
        }
    }

    private IEnumerable<List<TRecord>> SplitByPayload(List<TRecord> batch)
    {
        var part = new List<TRecord>();
        long bytes = 1024;
        foreach (var record in batch)
        {
            // The event carries each payload base64-encoded, with a few hundred bytes of metadata per record.
            var size = ((_source.PayloadOf(record).Length + 2) / 3 * 4) + 512;
            if (part.Count > 0 && bytes + size > _options.MaxPayloadBytes)
            {
                yield return part;
                part = [];
                bytes = 1024;
            }

            part.Add(record);
            bytes += size;
        }

        if (part.Count > 0)
        {
            yield return part;
        }
    }

    /// <summary>Invokes the handler with <paramref name="records"/> until they are all processed or given up.</summary>
    private async Task ResolveAsync(string streamArn, ShardState state, List<TRecord> records, CancellationToken cancellationToken)
    {
        var shardId = state.Shard.ShardId;
        var settings = _options.Mapping;
        var retries = 0;
        var invokeCount = 0;
        Outcome? last = null;
        while (true)
        {
            records = await DropExpiredAsync(streamArn, shardId, records, invokeCount, last, cancellationToken);
            if (records.Count == 0)
            {
                return;
            }

            last = await InvokeOnceAsync(streamArn, shardId, records, cancellationToken);
            invokeCount++;
            if (last.FailedFrom is null)
            {
                Metrics.Succeeded(records.Count);
                return;
            }

            Metrics.FunctionError();
            var failedFrom = last.FailedFrom.Value;
            if (failedFrom > 0)
            {
                // Partial batch response: everything before the lowest failed record is done.
                Metrics.Succeeded(failedFrom);
                Checkpoint(state, records[failedFrom - 1]);
                records = records.GetRange(failedFrom, records.Count - failedFrom);
            }
            else if (last.WholeBatch && settings.BisectBatchOnFunctionError && records.Count > 1)
            {
                // Splitting does not consume the retry quota; each half gets its own attempts, first half first so
                // the shard's order holds.
                var half = records.Count / 2;
                var firstHalf = records.GetRange(0, half);
                await ResolveAsync(streamArn, state, firstHalf, cancellationToken);
                Checkpoint(state, firstHalf[^1]);
                await ResolveAsync(streamArn, state, records.GetRange(half, records.Count - half), cancellationToken);
                return;
            }

            if (settings.MaximumRetryAttempts >= 0 && retries >= settings.MaximumRetryAttempts)
            {
                await GiveUpAsync(streamArn, shardId, records, FailureConditions.RetryAttemptsExhausted, invokeCount, last, cancellationToken);
                return;
            }

            retries++;
            Metrics.Retried();
            await Task.Delay(_options.RetryDelay, _options.Clock, cancellationToken);
        }
    }

    private void Checkpoint(ShardState state, TRecord record)
    {
        var sequenceNumber = _source.SequenceNumberOf(record);
        state.ResumeAfter = sequenceNumber;
        Metrics.Checkpoint(state.Shard.ShardId, sequenceNumber);
        _options.Checkpoints?.Save(_streamArn, state.Shard.ShardId, sequenceNumber);
    }

    private async Task<List<TRecord>> DropExpiredAsync(
        string streamArn, string shardId, List<TRecord> records, int invokeCount, Outcome? last, CancellationToken cancellationToken)
    {
        var maxAge = _options.Mapping.MaximumRecordAgeSeconds;
        if (maxAge < 0)
        {
            return records;
        }

        var now = _options.Clock.GetUtcNow();
        var limit = TimeSpan.FromSeconds(maxAge);
        var expired = records.Where(r => now - _source.ArrivalOf(r) > limit).ToList();
        if (expired.Count == 0)
        {
            return records;
        }

        await GiveUpAsync(streamArn, shardId, expired, FailureConditions.RecordAgeExceeded, invokeCount, last, cancellationToken);
        return records.Where(r => now - _source.ArrivalOf(r) <= limit).ToList();
    }

    private async Task GiveUpAsync(
        string streamArn, string shardId, List<TRecord> records, string condition, int invokeCount, Outcome? last, CancellationToken cancellationToken)
    {
        Metrics.Discarded(records.Count);
        var firstSequence = _source.SequenceNumberOf(records[0]);
        var lastSequence = _source.SequenceNumberOf(records[^1]);
        _log($"{_options.FunctionName}: giving up {records.Count} record(s) of {shardId} ({firstSequence}..{lastSequence}): {condition}");
        var failure = new StreamFailureRecord
        {
            RequestId = last?.RequestId ?? Guid.NewGuid().ToString(),
            FunctionArn = FunctionArn,
            Condition = condition,
            ApproximateInvokeCount = invokeCount,
            FunctionError = last is { WholeBatch: true } ? "Unhandled" : null,
            ErrorMessage = last?.Error,
            Timestamp = _options.Clock.GetUtcNow(),
            EventSource = _source.EventSource,
            StreamArn = streamArn,
            ShardId = shardId,
            StartSequenceNumber = firstSequence,
            EndSequenceNumber = lastSequence,
            ApproximateArrivalOfFirstRecord = _source.ArrivalOf(records[0]),
            ApproximateArrivalOfLastRecord = _source.ArrivalOf(records[^1]),
            BatchSize = records.Count,
            Records = records.Select(r => Convert.ToBase64String(_source.PayloadOf(r))).ToList(),
            SequenceNumbers = records.Select(_source.SequenceNumberOf).ToList(),
            PartitionKeys = records.Select(_source.PartitionKeyOf).ToList(),
        };
        if (_options.OnFailure is null)
        {
            return;
        }

        // The checkpoint moves past these records only once the destination holds their record: while it is down the
        // shard waits and retries with backoff (saying so), so a record is never skipped because its destination failed.
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                await _options.OnFailure.SendAsync(failure, cancellationToken);
                if (attempt > 0)
                {
                    Metrics.DestinationRecovered(shardId);
                    _log($"{_options.FunctionName}: on-failure destination took {shardId} {firstSequence}..{lastSequence} after {attempt + 1} attempts");
                }

                return;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                Metrics.DestinationFailed(shardId);
                var delay = TimeSpan.FromMilliseconds(Math.Min(30_000, 200 * Math.Pow(2, Math.Min(attempt, 10))));
                _log($"{_options.FunctionName}: on-failure destination refused {shardId} {firstSequence}..{lastSequence} ({ex.GetType().Name}: {ex.Message}); shard {shardId} waits, retrying in {delay.TotalSeconds:0.#} s");
                await Task.Delay(delay, _options.Clock, cancellationToken);
            }
        }
    }

    private string FunctionArn => $"arn:aws:lambda:{_options.Region}:000000000000:function:{_options.FunctionName}";

    private async Task<Outcome> InvokeOnceAsync(string streamArn, string shardId, List<TRecord> records, CancellationToken cancellationToken)
    {
        Metrics.Invoked();
        var context = LambdaContext.ForLocal(_options.FunctionName, _options.FunctionTimeout, _options.Clock) with
        {
            InvokedFunctionArn = FunctionArn,
        };
        StreamsEventResponse? response;
        using (var invocation = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            invocation.CancelAfter(_options.FunctionTimeout);
            try
            {
                response = await _source.InvokeAsync(streamArn, shardId, records, context, invocation.Token)
                    .WaitAsync(_options.FunctionTimeout, _options.Clock, cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                throw;
            }
            catch (Exception ex)
            {
                var message = ex is TimeoutException or OperationCanceledException
                    ? $"Task timed out after {_options.FunctionTimeout.TotalSeconds:0.##} seconds"
                    : $"{ex.GetType().Name}: {ex.Message}";
                _log($"{_options.FunctionName}: invocation {context.AwsRequestId} on {shardId} ({records.Count} records) failed: {message}");
                return new Outcome(context.AwsRequestId, 0, WholeBatch: true, message);
            }
        }

        if (!_options.Mapping.ReportBatchItemFailures || response?.BatchItemFailures is not { Count: > 0 } failures)
        {
            return new Outcome(context.AwsRequestId, null, WholeBatch: false, null);
        }

        var lowest = int.MaxValue;
        foreach (var failure in failures)
        {
            var index = failure?.ItemIdentifier is { Length: > 0 } id
                ? records.FindIndex(r => string.Equals(_source.SequenceNumberOf(r), id, StringComparison.Ordinal))
                : -1;
            if (index < 0)
            {
                // Lambda treats an identifier that is empty or not in the batch as a failure of the whole batch.
                var message = $"batchItemFailures has itemIdentifier '{failure?.ItemIdentifier}', which is not a sequence number in the batch";
                _log($"{_options.FunctionName}: invocation {context.AwsRequestId} on {shardId}: {message}; whole batch failed");
                return new Outcome(context.AwsRequestId, 0, WholeBatch: true, message);
            }

            lowest = Math.Min(lowest, index);
        }

        return new Outcome(
            context.AwsRequestId,
            lowest,
            WholeBatch: false,
            $"batchItemFailures reported {failures.Count} record(s), lowest {_source.SequenceNumberOf(records[lowest])}");
    }

    private async Task<T> RetryUntilAsync<T>(Func<Task<T>> action, string what, CancellationToken cancellationToken)
    {
        while (true)
        {
            try
            {
                return await action();
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                _log($"{_options.FunctionName}: could not {what}: {ex.Message}; retrying");
                await Task.Delay(_options.ShardDiscoveryInterval, _options.Clock, cancellationToken);
            }
        }
    }

    /// <summary>Compares two sequence numbers numerically (they are decimal strings of up to 129 digits).</summary>
    internal static int CompareSequence(string a, string b) =>
        BigInteger.TryParse(a, NumberStyles.None, CultureInfo.InvariantCulture, out var x)
        && BigInteger.TryParse(b, NumberStyles.None, CultureInfo.InvariantCulture, out var y)
            ? x.CompareTo(y)
            : a.Length != b.Length ? a.Length.CompareTo(b.Length) : string.CompareOrdinal(a, b);

    /// <summary>Result of one invocation: FailedFrom is null on success, else the index to restart from.</summary>
    private sealed record Outcome(string RequestId, int? FailedFrom, bool WholeBatch, string? Error);

    private sealed class ShardState(Shard shard, string initialIteratorType)
    {
        public Shard Shard { get; } = shard;

        public string InitialIteratorType { get; } = initialIteratorType;

        /// <summary>The reader task; null until started, and again after it crashed so discovery restarts it.</summary>
        public Task? Loop { get; set; }

        public bool Finished { get; set; }

        /// <summary>Checkpoint: sequence number of the last resolved record.</summary>
        public string? ResumeAfter { get; set; }
    }
}
