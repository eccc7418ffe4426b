using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;
using Amazon.DynamoDBv2.Model;
using EventPipeline.Aws.Clients;
using EventPipeline.Local.EventSources;
using EventPipeline.Local.Latency;

namespace EventPipeline.Local.Load;

/// <summary>
/// Measures <see cref="FloorMeasurement"/>: each hop alone, on the emulators' own ports (Kinesis and DynamoDB) or the
/// gateway, read back to back with nothing in between, <c>samples</c> times with a pause so samples do not queue.
/// </summary>
public static class EmulatorFloor
{
    private const string Scratch = "load-floor";
    private static readonly TimeSpan Pause = TimeSpan.FromMilliseconds(20);

    /// <summary>All three, <paramref name="samples"/> each; the WebSocket one signs in as <paramref name="token"/>.</summary>
    public static async Task<FloorMeasurement> MeasureAsync(LocalEndpoints endpoints, string token, int samples, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var aws = EmulatorClients.Endpoints(endpoints);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        return new FloorMeasurement(
            await KinesisAsync(aws, http, samples, ct),
            await DynamoDbStreamAsync(aws, http, samples, ct),
            await WebSocketAsync(new Uri($"{endpoints.WebSocketUrl}?token={Uri.EscapeDataString(token)}"), samples, ct));
    }

    private static async Task<StageSummary> KinesisAsync(AwsEndpoints aws, HttpClient http, int samples, CancellationToken ct)
    {
        using var kinesis = new KinesisClient(aws, http);
        await EmulatorClients.EnsureStreamAsync(kinesis, Scratch, ct);
        var shard = (await kinesis.ListShardsAsync(Scratch, ct))[0].ShardId;
        var iterator = await kinesis.GetShardIteratorAsync(Scratch, shard, "LATEST", null, ct);
        var histogram = new StageHistogram();
        for (var i = 0; i < samples; i++)
        {
            var sent = Stopwatch.GetTimestamp();
            var put = await kinesis.PutRecordAsync(Scratch, "floor", "x"u8.ToArray(), ct);
            var seen = false;
            while (!seen)
            {
                var page = await kinesis.GetRecordsAsync(iterator, 100, ct);
                iterator = page.NextShardIterator ?? throw new InvalidOperationException($"stream {Scratch} closed");
                seen = page.Records.Any(r => r.SequenceNumber == put.SequenceNumber);
            }

            histogram.Record(Stopwatch.GetElapsedTime(sent));
            await Task.Delay(Pause, ct);
        }

        return histogram.Total();
    }

    private static async Task<StageSummary> DynamoDbStreamAsync(AwsEndpoints aws, HttpClient http, int samples, CancellationToken ct)
    {
        using var dynamo = EmulatorClients.DynamoDb(aws);
        using var streams = new DynamoDbStreamsClient(aws, http);
        await EmulatorClients.EnsureTableAsync(dynamo, Scratch, stream: true, ct);
        var streamArn = (await dynamo.DescribeTableAsync(Scratch, ct)).Table.LatestStreamArn;
        var shard = (await streams.DescribeStreamShardsAsync(streamArn, ct)).Last(s => s.EndingSequenceNumber is null).ShardId;
        string? iterator = await streams.GetShardIteratorAsync(streamArn, shard, "LATEST", null, ct);
        var histogram = new StageHistogram();
        for (var i = 0; i < samples; i++)
        {
            var sent = Stopwatch.GetTimestamp();
            await dynamo.UpdateItemAsync(new UpdateItemRequest
            {
                TableName = Scratch,
                Key = new() { ["pk"] = new AttributeValue("floor") },
                UpdateExpression = "ADD n :one",
                ExpressionAttributeValues = new() { [":one"] = new AttributeValue { N = "1" } },
            }, ct);
            var seen = false;
            while (!seen)
            {
                var page = await streams.GetRecordsAsync(iterator!, 100, ct);
                iterator = page.NextShardIterator ?? throw new InvalidOperationException($"the stream of {Scratch} closed its shard");
                seen = page.Records.Count > 0;
            }

            histogram.Record(Stopwatch.GetElapsedTime(sent));
            await Task.Delay(Pause, ct);
        }

        return histogram.Total();
    }

    private static async Task<StageSummary> WebSocketAsync(Uri url, int samples, CancellationToken ct)
    {
        using var ws = new ClientWebSocket();
        await ws.ConnectAsync(url, ct);
        var buffer = new byte[4096];
        var histogram = new StageHistogram();
        for (var i = 0; i < samples; i++)
        {
            var sent = Stopwatch.GetTimestamp();
            await ws.SendAsync("""{"action":"ping"}"""u8.ToArray(), WebSocketMessageType.Text, true, ct);
            while (true)
            {
                var r = await ws.ReceiveAsync(buffer, ct);
                if (r.MessageType == WebSocketMessageType.Close)
                {
                    throw new InvalidOperationException("the gateway closed the floor's WebSocket");
                }

                if (Encoding.UTF8.GetString(buffer, 0, r.Count).Contains("\"pong\"", StringComparison.Ordinal))
                {
                    break;
                }
            }

            histogram.Record(Stopwatch.GetElapsedTime(sent));
            await Task.Delay(Pause, ct);
        }

        await ws.CloseAsync(WebSocketCloseStatus.NormalClosure, "floor measured", ct);
        return histogram.Total();
    }
}
