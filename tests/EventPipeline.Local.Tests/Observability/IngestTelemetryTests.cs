using System.Globalization;
using System.Text;
using System.Text.Json;
using EventPipeline.Ingest;
using EventPipeline.Lambda;
using EventPipeline.Lambda.Events;
using EventPipeline.Local.Tests.Integration;
using EventPipeline.Sources;

namespace EventPipeline.Local.Tests.Observability;

/// <summary>One Ingest batch against the shared stack's tables, with its log and EMF output captured.</summary>
[Collection(LocalStackCollection.Name)]
public sealed class IngestTelemetryTests(LocalStackFixture fx)
{
    [Fact]
    public async Task HandleAsync_OneBatch_WritesOneLogLineAndOneEmfLineWithTheBatchCounters()
    {
        var tenant = LocalStackFixture.NewTenant("o");
        var token = fx.Stack.IssueToken(tenant);
        var secret = fx.Stack.WebhookSecrets.Signing["github"];
        using var logs = new StringWriter();
        using var emf = new StringWriter();
        var function = IngestComposition.Create(Host(logs, emf));
        var shard = "shardId-" + Random.Shared.NextInt64(100_000_000_000, 999_999_999_999).ToString(CultureInfo.InvariantCulture);
        // The token and a webhook secret travel inside the records' data: neither may reach the output.
        var data = $$"""{"amount":5,"note":"{{token}} {{secret}}"}""";
        var batch = Batch(
            shard,
            LocalStackFixture.CloudEvent(tenant, "obs-1", "order/1", data: data),
            // Three days old: past every window's grace, so it counts as late.
            LocalStackFixture.CloudEvent(tenant, "obs-2", "order/2", time: DateTimeOffset.UtcNow.AddDays(-3).ToString("O", CultureInfo.InvariantCulture), data: data),
            LocalStackFixture.CloudEvent(tenant, "obs-1", "order/1", data: data),
            Encoding.UTF8.GetBytes("not json " + secret));

        var response = await function.HandleAsync(batch, LambdaContext.ForLocal("ingest", TimeSpan.FromSeconds(30)), CancellationToken.None);

        Assert.Empty(response.BatchItemFailures);
        var logLines = Lines(logs);
        var emfLines = Lines(emf);
        var summary = Assert.Single(logLines, l => l.GetProperty("message").GetString() == "ingest batch");
        Assert.Equal("INFO", summary.GetProperty("level").GetString());
        Assert.False(string.IsNullOrEmpty(summary.GetProperty("requestId").GetString()));
        Assert.Equal(shard, summary.GetProperty("shardId").GetString());
        Assert.Equal(batch.Records[0].Kinesis.SequenceNumber, summary.GetProperty("firstSequenceNumber").GetString());
        Assert.Equal(4, summary.GetProperty("records").GetInt32());
        var rejected = Assert.Single(logLines, l => l.GetProperty("message").GetString() == "records dead-lettered");
        Assert.Equal("malformed", rejected.GetProperty("reason").GetString());

        var line = Assert.Single(emfLines);
        var aws = line.GetProperty("_aws");
        Assert.True(aws.GetProperty("Timestamp").GetInt64() > 0);
        var directive = Assert.Single(aws.GetProperty("CloudWatchMetrics").EnumerateArray());
        Assert.Equal("EventPipeline", directive.GetProperty("Namespace").GetString());
        Assert.Equal("FunctionName", Assert.Single(Assert.Single(directive.GetProperty("Dimensions").EnumerateArray()).EnumerateArray()).GetString());
        Assert.Equal("ingest", line.GetProperty("FunctionName").GetString());
        var units = directive.GetProperty("Metrics").EnumerateArray().ToDictionary(m => m.GetProperty("Name").GetString()!, m => m.GetProperty("Unit").GetString());
        Assert.Equal("Count", units["EventsIn"]);
        Assert.Equal("Milliseconds", units["BatchDuration"]);
        // Counters are numbers; latencies are distributions, one value per record (or per batch for the stages).
        string[] distributions = ["StreamToIngest", "AdaptDuration", "ReadDuration", "DedupDuration", "WriteDuration"];
        Assert.All(units.Keys.Except(distributions), name => Assert.Equal(JsonValueKind.Number, line.GetProperty(name).ValueKind));
        Assert.All(distributions, name => Assert.Equal("Milliseconds", units[name]));
        Assert.Equal(4, line.GetProperty("StreamToIngest").GetArrayLength());
        Assert.Equal(1, line.GetProperty("DedupDuration").GetArrayLength());
        Assert.True(summary.GetProperty("dedupMs").GetDouble() >= 0);
        Assert.True(summary.GetProperty("streamToIngestMaxMs").GetDouble() >= 0);
        Assert.Equal(4, line.GetProperty("EventsIn").GetDouble());
        Assert.Equal(2, line.GetProperty("EventsApplied").GetDouble());
        Assert.Equal(1, line.GetProperty("DedupHits").GetDouble());
        Assert.Equal(1, line.GetProperty("LateEvents").GetDouble());
        Assert.Equal(1, line.GetProperty("Rejected").GetDouble());
        Assert.Equal(1, line.GetProperty("Rejected.malformed").GetDouble());
        Assert.Equal(0, line.GetProperty("RecordsRetried").GetDouble());
        Assert.True(line.GetProperty("ItemWrites").GetDouble() >= 2);

        var all = logs.ToString() + emf.ToString();
        Assert.DoesNotContain(token, all, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, all, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HandleAsync_LogLevelWarning_SkipsTheInformationSummary()
    {
        using var logs = new StringWriter();
        var function = IngestComposition.Create(Host(logs, TextWriter.Null, ("LOG_LEVEL", "Warning")));

        await function.HandleAsync(Batch("shardId-000000000077", Encoding.UTF8.GetBytes("garbage")), LambdaContext.ForLocal("ingest", TimeSpan.FromSeconds(30)), CancellationToken.None);

        var lines = Lines(logs);
        Assert.DoesNotContain(lines, l => l.GetProperty("level").GetString() == "INFO");
        Assert.Contains(lines, l => l.GetProperty("level").GetString() == "WARN");
    }

    /// <summary>The Ingest function as the stack deployed it (environment and role from the template), with its output captured.</summary>
    private FunctionHost Host(TextWriter logs, TextWriter emf, params (string Name, string Value)[] overrides)
    {
        var environment = new Dictionary<string, string>(fx.Stack.Deployment.Function("ingest").Environment);
        foreach (var (name, value) in overrides)
        {
            environment[name] = value;
        }

        return FunctionHost.FromVariables(environment, logs) with { MetricsOutput = emf };
    }

    private static KinesisEvent Batch(string shard, params byte[][] records)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0;
        var baseSequence = System.Numerics.BigInteger.Parse("49590338271490256608559692538361571095921575989136588800", CultureInfo.InvariantCulture)
            + Random.Shared.NextInt64(1, 1_000_000_000) * 1000;
        return new KinesisEvent
        {
            Records = records.Select((data, i) =>
            {
                var sequence = (baseSequence + i).ToString(CultureInfo.InvariantCulture);
                return new KinesisEvent.KinesisEventRecord
                {
                    EventId = $"{shard}:{sequence}",
                    EventName = "aws:kinesis:record",
                    EventSource = "aws:kinesis",
                    EventSourceArn = "arn:aws:kinesis:us-east-1:000000000000:stream/events",
                    AwsRegion = "us-east-1",
                    Kinesis = new KinesisEvent.Record { PartitionKey = "k", SequenceNumber = sequence, Data = data, ApproximateArrivalTimestamp = now },
                };
            }).ToList(),
        };
    }

    private static List<JsonElement> Lines(StringWriter writer) =>
        writer.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l =>
        {
            using var doc = JsonDocument.Parse(l);
            return doc.RootElement.Clone();
        }).ToList();
}
