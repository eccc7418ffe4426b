using System.Net.Http.Json;
using System.Text;
using EventPipeline.Application.Tracing;
using EventPipeline.Local.EventSources;
using EventPipeline.Local.Tests.Emulators;
using EventPipeline.Topology;

namespace EventPipeline.Local.Tests.Integration;

/// <summary>
/// A stack started as <c>up --latency low</c> runs: the templates synthesized with <c>-c ingestLatency=low</c>, the
/// consumer registered on kinesis-mock, the Ingest mapping reading through it with the Ingest role (IAM-checked), woken
/// by puts, with Lambda's DynamoDB Streams cadence for Publish. A stack of its own (its own emulators and synth).
/// </summary>
public sealed class LowLatencyStackTests : IAsyncLifetime
{
    private readonly StringBuilder _log = new();
    private LocalStack _stack = null!;

    public async Task InitializeAsync()
    {
        if (Environment.GetEnvironmentVariable(EmulatorFactAttribute.Variable) != "1")
        {
            return;
        }

        _stack = await LocalStack.StartAsync(new LocalStackOptions
        {
            GatewayPort = 0,
            AwsPort = 0,
            KinesisPort = 0,
            DynamoDbPort = 0,
            MotoPort = 0,
            InMemory = true,
            WriteEndpointsFile = false,
            Latency = LatencyMode.Low,
            FunctionOutput = TextWriter.Null,
            Log = m => { lock (_log) { _log.AppendLine(m); } },
        });
    }

    public async Task DisposeAsync()
    {
        if (_stack is not null)
        {
            await _stack.DisposeAsync();
        }
    }

    [EmulatorFact]
    public async Task Start_LowLatency_DeploysTheConsumerAndReadsThroughIt()
    {
        var consumer = Assert.Single(_stack.Deployment.StreamConsumers);
        Assert.Equal(PipelineTopology.IngestConsumerName, consumer.Name);
        var mapping = Assert.Single(_stack.Deployment.EventSourceMappings, m => m.IsKinesis);
        Assert.True(mapping.IsOnConsumer);
        Assert.Equal(consumer.Arn, mapping.EventSourceArn);
        Assert.Equal(0, mapping.Settings.MaximumBatchingWindowSeconds);
        Assert.Equal(new MappingDescription("consumer", 0, MappingCadence.KinesisConsumerFallback.TotalMilliseconds, true), _stack.IngestMappingCadence);
        Assert.Equal(MappingCadence.DynamoDbStream.TotalMilliseconds, _stack.PublishMappingCadence.IdlePollMilliseconds);

        var tenant = "low" + Guid.NewGuid().ToString("N")[..8];
        await using var socket = await ConnectAsync(tenant);
        await socket.SubscribeAsync("tenant");
        var put = await _stack.Aws.Kinesis.PutRecordAsync(_stack.Settings.EventsStream, $"{tenant}:order/1", LocalStackFixture.CloudEvent(tenant, "low-1", "order/1"), CancellationToken.None);

        var push = await socket.WaitForAsync(m => TestSocket.Is(m, "change") && m.TryGetProperty("trace", out _), $"the traced push\n{_log}");
        Assert.Equal(EventTrace.IdOf(put.ShardId, put.SequenceNumber), push.GetProperty("trace").GetProperty("id").GetString());
        using var http = new HttpClient { BaseAddress = new Uri(_stack.Endpoints.RestUrl + "/") };
        var latency = await http.GetFromJsonAsync<System.Text.Json.JsonElement>("metrics/latency");
        Assert.Equal("low", latency.GetProperty("mode").GetString());
        Assert.Empty(_stack.Edge.RecentDenials);
    }

    private async Task<TestSocket> ConnectAsync(string tenant)
    {
        var ws = new System.Net.WebSockets.ClientWebSocket();
        await ws.ConnectAsync(new Uri(_stack.Endpoints.WebSocketUrl + "?token=" + Uri.EscapeDataString(_stack.IssueToken(tenant))), CancellationToken.None);
        return new TestSocket(ws);
    }
}
