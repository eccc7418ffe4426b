using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using EventPipeline.Aws.Clients;
using EventPipeline.Aws.Kinesis;
using HdrHistogram;
using Spectre.Console;

namespace EventPipeline.Local.Load;

/// <summary>
/// Drives a running local stack: puts events on the real Kinesis endpoint at a fixed rate, receives the pushes through one
/// real WebSocket client per tenant (subscribed to <c>tenant</c>), and reports throughput, end-to-end latency
/// (PutRecords → push of the event's entity), a loss check from the REST totals and /dead-letters, and the emulators'
/// own ceiling measured in the same run.
/// </summary>
public sealed class LoadRunner(LocalEndpoints endpoints, LoadOptions options)
{
    private static readonly string GitHubTemplate = """{"action":"opened","issue":{"id":__ID__,"number":__N__,"title":"load","state":"open","created_at":"__T__","updated_at":"__T__"},"repository":{"id":1,"full_name":"load/test"},"sender":{"login":"load"}}""";
    private readonly ConcurrentDictionary<string, long> _sentAt = new(StringComparer.Ordinal);
    private readonly LongHistogram _latency = new(1, 600_000_000, 3);
    private readonly Lock _latencyLock = new();
    private long _pushes;
    private long _matched;
    private long _lastPushTicks;

    /// <summary>Runs the whole measurement and prints its report; returns the process exit code.</summary>
    public async Task<int> RunAsync(CancellationToken ct)
    {
        var runId = Guid.NewGuid().ToString("N")[..6];
        var tenants = Enumerable.Range(0, options.Tenants).Select(i => $"load-{runId}-{i}").ToList();
        var endpointsAws = new AwsEndpoints
        {
            Region = endpoints.Region,
            Kinesis = new Uri(endpoints.KinesisEndpoint),
            DynamoDb = new Uri(endpoints.DynamoDbEndpoint),
            Credentials = new Amazon.Runtime.BasicAWSCredentials(endpoints.AccessKeyId, endpoints.SecretAccessKey),
        };
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        using var kinesis = new KinesisClient(endpointsAws, http);
        var restBase = new Uri(endpoints.RestUrl.TrimEnd('/') + "/");

        AnsiConsole.MarkupLine($"[bold]load[/]: {options.Rate} events/s for {options.DurationSeconds} s, {options.Tenants} tenants, sources {string.Join(",", options.Sources)}{(options.Kpl ? ", KPL-aggregated" : "")}; cores: {Environment.ProcessorCount} (shared)");
        var (putCeiling, updateCeiling) = await MeasureCeilingAsync(kinesis, endpointsAws, ct);
        AnsiConsole.MarkupLine($"emulator ceiling: kinesis-mock {putCeiling:N0} records/s (PutRecords, 500×800 B), DynamoDB Local {updateCeiling:N0} UpdateItem/s (8 in flight)");

        var before = await MetricsAsync(http, restBase, ct);
        var tokens = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var t in tenants)
        {
            using var tokenRequest = endpoints.AdminGet($"dev/token?tenant={t}");
            using var tokenResponse = (await http.SendAsync(tokenRequest, ct)).EnsureSuccessStatusCode();
            using var doc = JsonDocument.Parse(await tokenResponse.Content.ReadAsStringAsync(ct));
            tokens[t] = doc.RootElement.GetProperty("token").GetString()!;
        }

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var sockets = new List<ClientWebSocket>();
        var receivers = new List<Task>();
        foreach (var t in tenants)
        {
            var ws = new ClientWebSocket();
            await ws.ConnectAsync(new Uri($"{endpoints.WebSocketUrl}?token={Uri.EscapeDataString(tokens[t])}"), ct);
            await ws.SendAsync(Encoding.UTF8.GetBytes("""{"action":"subscribe","channel":"tenant"}"""), WebSocketMessageType.Text, true, ct);
            sockets.Add(ws);
            receivers.Add(ReceiveAsync(ws, t, stop.Token));
        }

        await Task.Delay(500, ct); // let the subscriptions land before the first event

        var total = options.Rate * options.DurationSeconds;
        long sent = 0, putFailures = 0, bytes = 0;
        var clock = Stopwatch.StartNew();
        await AnsiConsole.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .StartAsync(async progress =>
            {
                var sendTask = progress.AddTask("sent", maxValue: total);
                var pushTask = progress.AddTask("pushed (entity matched)", maxValue: total);
                var tick = TimeSpan.FromMilliseconds(50);
                var seq = 0;
                while (sent < total)
                {
                    var due = Math.Min(total, (long)(clock.Elapsed.TotalSeconds * options.Rate));
                    var count = (int)(due - sent);
                    if (count > 0)
                    {
                        var batch = new List<PutRecordsEntry>(count);
                        var keys = new List<string>(count);
                        for (var i = 0; i < count; i++, seq++)
                        {
                            var tenant = tenants[seq % tenants.Count];
                            var source = options.Sources[(seq / tenants.Count) % options.Sources.Count];
                            var (data, entityKey) = Event(tenant, source, runId, seq);
                            batch.Add(new PutRecordsEntry(tenant, data));
                            keys.Add(entityKey);
                            bytes += data.Length;
                        }

                        var now = Stopwatch.GetTimestamp();
                        foreach (var k in keys)
                        {
                            _sentAt[k] = now;
                        }

                        putFailures += await PutAsync(kinesis, batch, ct);
                        sent += count;
                        sendTask.Value = sent;
                    }

                    pushTask.Value = Interlocked.Read(ref _matched);
                    await Task.Delay(tick, ct);
                }

                var sendSeconds = clock.Elapsed.TotalSeconds;
                // Drain: wait until every entity's push arrived, or 60 s without progress.
                var lastMatched = -1L;
                var idleSince = Stopwatch.StartNew();
                while (Interlocked.Read(ref _matched) < total && idleSince.Elapsed < TimeSpan.FromSeconds(60))
                {
                    var m = Interlocked.Read(ref _matched);
                    if (m != lastMatched)
                    {
                        lastMatched = m;
                        idleSince.Restart();
                    }

                    pushTask.Value = m;
                    await Task.Delay(200, ct);
                }

                pushTask.Value = Interlocked.Read(ref _matched);
                _sendSeconds = sendSeconds;
            });

        var e2eSeconds = Interlocked.Read(ref _lastPushTicks) == 0 ? double.NaN : (Interlocked.Read(ref _lastPushTicks) - _firstSend) / (double)Stopwatch.Frequency;

        // Loss check: every sent event is either in its tenant's 'events' total or dead-lettered.
        var (aggregated, deadLettered) = await SettleAsync(http, restBase, tokens, total - putFailures, ct);
        var after = await MetricsAsync(http, restBase, ct);
        await stop.CancelAsync();
        foreach (var ws in sockets)
        {
            ws.Abort();
            ws.Dispose();
        }

        await Task.WhenAll(receivers.Select(r => r.ContinueWith(_ => { }, TaskScheduler.Default)));

        var throughput = Interlocked.Read(ref _matched) / e2eSeconds;
        var ceiling = Math.Min(putCeiling, updateCeiling);
        var inv = CultureInfo.InvariantCulture;
        var applied = after.Applied - before.Applied;
        var itemWrites = after.ItemWrites - before.ItemWrites;
        var dedupWrites = after.DedupWriteRequests - before.DedupWriteRequests;
        var batches = after.Batches - before.Batches;
        Console.WriteLine(string.Format(inv, "sent {0:N0} events ({1:N0} PutRecords failures) in {2:F1} s = {3:F0} events/s offered; {4:F0} B/event", sent, putFailures, _sendSeconds, sent / _sendSeconds, bytes / (double)Math.Max(1, sent)));
        Console.WriteLine(string.Format(inv, "pushes received {0:N0}; entities matched {1:N0}/{2:N0}; end-to-end throughput {3:F0} events/s (first send → last matched push)", Interlocked.Read(ref _pushes), Interlocked.Read(ref _matched), total, throughput));
        lock (_latencyLock)
        {
            if (_latency.TotalCount == 0)
            {
                Console.WriteLine("latency: no push matched a sent event");
            }
            else
            {
                Console.WriteLine(string.Format(inv, "latency PutRecords → push (ms): p50 {0:F1}  p90 {1:F1}  p99 {2:F1}  max {3:F1}   (target p99 ≤ 300 ms)",
                _latency.GetValueAtPercentile(50) / 1000.0, _latency.GetValueAtPercentile(90) / 1000.0, _latency.GetValueAtPercentile(99) / 1000.0, _latency.GetMaxValue() / 1000.0));
            }
        }

        Console.WriteLine(string.Format(inv, "ratio to the emulator ceiling: {0:P0} of min(kinesis-mock {1:N0} rec/s, DynamoDB Local {2:N0} UpdateItem/s) = {3:N0}/s   (target ≥ 80 %)", throughput / ceiling, putCeiling, updateCeiling, ceiling));
        Console.WriteLine(string.Format(inv, "  ingest: {0:N0} batches, {1:N0} applied, {2:N0} item writes ({3:F3}/event), {4:N0} dedup write requests; DynamoDB writes/s during the run {5:F0} ({6:P0} of the UpdateItem ceiling)",
            batches, applied, itemWrites, itemWrites / (double)Math.Max(1, applied), dedupWrites, (itemWrites + (applied)) / e2eSeconds, (itemWrites + applied) / e2eSeconds / updateCeiling));
        var lossOk = aggregated + deadLettered == total - putFailures;
        Console.WriteLine(string.Format(inv, "loss check: sent {0:N0} = aggregated {1:N0} + dead-lettered {2:N0} → {3}", total - putFailures, aggregated, deadLettered, lossOk ? "OK" : "MISMATCH"));
        Console.WriteLine(CostModel.Format(new CostInputs(
            BatchSize: (int)Math.Max(1, after.Records - before.Records) / (int)Math.Max(1, batches),
            BatchDurationMs: 50,
            MemoryMb: 512,
            EventBytes: bytes / (double)Math.Max(1, sent),
            // Item writes (entity, metric and late items; dedup rides in the entity item), about one write unit each.
            WriteUnitsPerEvent: (itemWrites + dedupWrites) / (double)Math.Max(1, applied),
            ReadUnitsPerEvent: itemWrites / (double)Math.Max(1, applied), // at most one consistent read per item written
            PushesPerEvent: Interlocked.Read(ref _pushes) / (double)Math.Max(1, applied),
            PublishBatchDurationMs: 20,
            PublishBatchSize: 100)));
        return lossOk ? 0 : 1;
    }

    private double _sendSeconds;
    private long _firstSend;

    private (byte[] Data, string EntityKey) Event(string tenant, string source, string runId, int seq)
    {
        var now = DateTimeOffset.UtcNow;
        if (_firstSend == 0)
        {
            _firstSend = Stopwatch.GetTimestamp();
        }

        if (source == "github")
        {
            var id = (long)seq + 1_000_000;
            var t = now.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
            var body = GitHubTemplate.Replace("__ID__", id.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)
                .Replace("__N__", seq.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)
                .Replace("__T__", t, StringComparison.Ordinal);
            var envelope = new Sources.IngestEnvelope(tenant, "github", now,
                new Dictionary<string, string> { ["x-github-event"] = "issues", ["x-github-delivery"] = $"{runId}-{seq}", ["content-type"] = "application/json" }, body);
            return (Sources.IngestEnvelopeCodec.Encode(envelope), $"{tenant}|issue|{id}");
        }

        // A structured CloudEvent: one entity per event so its push identifies it; sentAtMs rides along as an attribute.
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(400);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("specversion", "1.0");
            w.WriteString("id", $"{runId}-{seq}");
            w.WriteString("source", "/load/orders");
            w.WriteString("type", "com.example.order.created");
            w.WriteString("time", now.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture));
            w.WriteString("subject", $"order/{runId}-{seq}");
            w.WriteString("tenant", tenant);
            w.WriteString("datacontenttype", "application/json");
            w.WriteStartObject("data");
            w.WriteNumber("amount", 10 + (seq % 90));
            w.WriteNumber("items", 1 + (seq % 4));
            w.WriteString("sentAtMs", now.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture));
            w.WriteString("status", "open");
            w.WriteEndObject();
            w.WriteEndObject();
        }

        return (buffer.WrittenSpan.ToArray(), $"{tenant}|order|{runId}-{seq}");
    }

    private async Task<long> PutAsync(KinesisClient kinesis, List<PutRecordsEntry> batch, CancellationToken ct)
    {
        long failures = 0;
        if (options.Kpl)
        {
            // One KPL aggregate per tenant (its partition key) per tick; each stays well under the 1 MB record limit.
            var aggregated = batch.GroupBy(b => b.PartitionKey, StringComparer.Ordinal)
                .Select(g => new PutRecordsEntry(g.Key, KplAggregation.Aggregate(g.Select(e => new KplAggregationEntry(e.PartitionKey, e.Data)).ToList())))
                .ToList();
            var r = await kinesis.PutRecordsAsync(endpoints.StreamName, aggregated, ct);
            for (var i = 0; i < r.Records.Count; i++)
            {
                if (r.Records[i].ErrorCode is not null)
                {
                    failures += batch.Count(b => b.PartitionKey == aggregated[i].PartitionKey);
                }
            }

            return failures;
        }

        for (var offset = 0; offset < batch.Count; offset += 500)
        {
            var chunk = batch.GetRange(offset, Math.Min(500, batch.Count - offset));
            var r = await kinesis.PutRecordsAsync(endpoints.StreamName, chunk, ct);
            failures += r.FailedRecordCount;
        }

        return failures;
    }

    private async Task ReceiveAsync(ClientWebSocket ws, string tenant, CancellationToken ct)
    {
        var buffer = new byte[256 * 1024];
        try
        {
            while (ws.State == WebSocketState.Open)
            {
                var count = 0;
                ValueWebSocketReceiveResult r;
                do
                {
                    r = await ws.ReceiveAsync(buffer.AsMemory(count), ct);
                    count += r.Count;
                    if (count == buffer.Length)
                    {
                        Array.Resize(ref buffer, buffer.Length * 2);
                    }
                }
                while (!r.EndOfMessage);

                if (r.MessageType == WebSocketMessageType.Close)
                {
                    return;
                }

                var at = Stopwatch.GetTimestamp();
                OnMessage(buffer.AsSpan(0, count), at, tenant);
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (WebSocketException)
        {
        }
    }

    private void OnMessage(ReadOnlySpan<byte> message, long at, string tenant)
    {
        using var doc = JsonDocument.Parse(message.ToArray());
        var root = doc.RootElement;
        if (!root.TryGetProperty("type", out var type) || type.GetString() != "change" || !root.TryGetProperty("data", out var data))
        {
            return;
        }

        Interlocked.Increment(ref _pushes);
        if (data.TryGetProperty("kind", out var kind) && kind.GetString() == "entity" && data.TryGetProperty("entity", out var entity))
        {
            // A connection sees only its own tenant, so the receiving socket names the tenant.
            var key = $"{tenant}|{entity.GetProperty("kind").GetString()}|{entity.GetProperty("id").GetString()}";
            if (_sentAt.TryRemove(key, out var sentAt))
            {
                Interlocked.Increment(ref _matched);
                Interlocked.Exchange(ref _lastPushTicks, at);
                var micros = (long)Stopwatch.GetElapsedTime(sentAt, at).TotalMicroseconds;
                lock (_latencyLock)
                {
                    _latency.RecordValue(Math.Max(1, micros));
                }
            }
        }
    }

    private async Task<(long Aggregated, long DeadLettered)> SettleAsync(HttpClient http, Uri restBase, Dictionary<string, string> tokens, long expected, CancellationToken ct)
    {
        long aggregated = 0, dead = 0;
        var wait = Stopwatch.StartNew();
        while (wait.Elapsed < TimeSpan.FromSeconds(60))
        {
            aggregated = 0;
            foreach (var (tenant, token) in tokens)
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(restBase, "aggregates/metrics/events?granularity=day"));
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
                using var response = await http.SendAsync(request, ct);
                if (response.IsSuccessStatusCode)
                {
                    using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct));
                    aggregated += FindTotalCount(doc.RootElement);
                }
            }

            using (var lettersRequest = endpoints.AdminGet("dead-letters"))
            using (var lettersResponse = (await http.SendAsync(lettersRequest, ct)).EnsureSuccessStatusCode())
            using (var dl = JsonDocument.Parse(await lettersResponse.Content.ReadAsStringAsync(ct)))
            {
                dead = dl.RootElement.EnumerateArray().Count(e => e.TryGetProperty("tenant", out var t) && t.GetString() is { } s && tokens.ContainsKey(s));
            }

            if (aggregated + dead >= expected)
            {
                break;
            }

            await Task.Delay(1000, ct);
        }

        return (aggregated, dead);
    }

    private static long FindTotalCount(JsonElement root)
    {
        if (root.ValueKind == JsonValueKind.Object)
        {
            if (root.TryGetProperty("total", out var total) && total.ValueKind == JsonValueKind.Object)
            {
                foreach (var p in total.EnumerateObject())
                {
                    if (p.Name == "count" && p.Value.ValueKind == JsonValueKind.Number)
                    {
                        return p.Value.GetInt64();
                    }

                    if (p.Value.ValueKind == JsonValueKind.Object && p.Value.TryGetProperty("count", out var c) && c.ValueKind == JsonValueKind.Number)
                    {
                        return c.GetInt64();
                    }
                }
            }

            foreach (var p in root.EnumerateObject())
            {
                if (FindTotalCount(p.Value) is > 0 and var n)
                {
                    return n;
                }
            }
        }

        return 0;
    }

    private static async Task<IngestCounters> MetricsAsync(HttpClient http, Uri restBase, CancellationToken ct)
    {
        var snapshot = JsonSerializer.Deserialize(await http.GetStringAsync(new Uri(restBase, "metrics"), ct), LocalJsonContext.Default.MetricsSnapshot);
        return snapshot!.Ingest;
    }

    /// <summary>Raw emulator throughput: PutRecords to a scratch stream, UpdateItem (ADD) to a scratch table, a few seconds each.</summary>
    private async Task<(double PutRecordsPerSecond, double UpdatesPerSecond)> MeasureCeilingAsync(KinesisClient kinesis, AwsEndpoints aws, CancellationToken ct)
    {
        const string scratch = "load-ceiling";
        try
        {
            await kinesis.CreateStreamAsync(scratch, 1, ct);
            await Task.Delay(1000, ct);
        }
        catch (AwsServiceException)
        {
            // Already there from an earlier run.
        }

        var payload = new byte[800];
        Array.Fill(payload, (byte)'x');
        var entries = Enumerable.Range(0, 500).Select(i => new PutRecordsEntry($"k{i}", payload)).ToList();
        long records = 0;
        var sw = Stopwatch.StartNew();
        while (sw.Elapsed.TotalSeconds < options.CeilingSeconds)
        {
            var r = await kinesis.PutRecordsAsync(scratch, entries, ct);
            records += entries.Count - r.FailedRecordCount;
        }

        var putRate = records / sw.Elapsed.TotalSeconds;

        using var ddb = new AmazonDynamoDBClient(aws.Credentials, new AmazonDynamoDBConfig { ServiceURL = aws.DynamoDb!.ToString(), AuthenticationRegion = aws.Region });
        try
        {
            await ddb.CreateTableAsync(new CreateTableRequest
            {
                TableName = scratch,
                BillingMode = BillingMode.PAY_PER_REQUEST,
                KeySchema = [new KeySchemaElement("pk", KeyType.HASH)],
                AttributeDefinitions = [new AttributeDefinition("pk", ScalarAttributeType.S)],
            }, ct);
        }
        catch (ResourceInUseException)
        {
        }

        long updates = 0;
        sw.Restart();
        var workers = Enumerable.Range(0, 8).Select(async w =>
        {
            var i = 0;
            while (sw.Elapsed.TotalSeconds < options.CeilingSeconds)
            {
                await ddb.UpdateItemAsync(new UpdateItemRequest
                {
                    TableName = scratch,
                    Key = new() { ["pk"] = new AttributeValue($"k{w}-{i++ % 50}") },
                    UpdateExpression = "ADD n :one",
                    ExpressionAttributeValues = new() { [":one"] = new AttributeValue { N = "1" } },
                }, ct);
                Interlocked.Increment(ref updates);
            }
        });
        await Task.WhenAll(workers);
        return (putRate, updates / sw.Elapsed.TotalSeconds);
    }
}
