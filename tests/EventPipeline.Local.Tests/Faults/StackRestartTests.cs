using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using EventPipeline.Local.Tests.Emulators;
using EventPipeline.Local.Tests.Integration;

namespace EventPipeline.Local.Tests.Faults;

/// <summary>What survives stopping the stack and starting it again on the same data, as <c>up</c> runs by default.</summary>
public sealed class StackRestartTests
{
    private readonly StringBuilder _log = new();

    private LocalStackOptions Options(string data) => new()
    {
        GatewayPort = 0,
        AwsPort = 0,
        KinesisPort = 0,
        DynamoDbPort = 0,
        MotoPort = 0,
        DataDirectory = data,
        WriteEndpointsFile = false,
        BatchingWindowOverride = 0,
        // Idle shards read every 100 ms instead of Lambda's once a second (Kinesis) and 4 times a second (DynamoDB Streams).
        PollIntervalOverride = TimeSpan.FromMilliseconds(100),
        FunctionOutput = TextWriter.Null,
        Log = m => { lock (_log) { _log.AppendLine(m); } },
    };

    [EmulatorFact]
    public async Task Restart_AggregatesDeadLettersTokensAndCheckpointsSurvive()
    {
        var data = Path.Combine(Path.GetTempPath(), "eventpipeline-restart-" + Guid.NewGuid().ToString("N"));
        var tenant = LocalStackFixture.NewTenant("restart");
        string token, adminToken, poisonSequence;
        await using (var first = await LocalStack.StartAsync(Options(data)))
        {
            for (var i = 0; i < 20; i++)
            {
                await first.Aws.Kinesis.PutRecordAsync(first.Settings.EventsStream, tenant, LocalStackFixture.CloudEvent(tenant, $"r-{i}", $"order/{i % 4}"), CancellationToken.None);
            }

            poisonSequence = (await first.Aws.Kinesis.PutRecordAsync(first.Settings.EventsStream, tenant, Encoding.UTF8.GetBytes("{not json"), CancellationToken.None)).SequenceNumber;
            token = first.IssueToken(tenant);
            adminToken = first.AdminToken;
            await UntilAsync(() => EventCountAsync(first, token), 20, "20 events applied before the restart");
            await LocalStackFixture.EventuallyAsync(
                async () => (await first.DeadLetters.ListAsync(1000, CancellationToken.None)).FirstOrDefault(l => l.SequenceNumber == poisonSequence),
                "the poison record dead-lettered before the restart");
        }

        await using var second = await LocalStack.StartAsync(Options(data));

        // The token issued before still opens the REST API (the signing key is kept with the data), and so does the admin token.
        Assert.Equal(adminToken, second.AdminToken);
        Assert.Equal(20, await EventCountAsync(second, token));
        // The dead letter came back into the queue.
        Assert.Contains(await second.DeadLetters.ListAsync(1000, CancellationToken.None), l => l.SequenceNumber == poisonSequence);
        // The pollers resumed after their checkpoints: nothing was applied twice, and new events flow.
        await second.Aws.Kinesis.PutRecordAsync(second.Settings.EventsStream, tenant, LocalStackFixture.CloudEvent(tenant, "r-after", "order/0"), CancellationToken.None);
        await UntilAsync(() => EventCountAsync(second, token), 21, "the event put after the restart");
        await Task.Delay(1000);
        Assert.Equal(21, await EventCountAsync(second, token));
        Assert.DoesNotContain("restored 0", _log.ToString(), StringComparison.Ordinal);
    }

    private static async Task<long> EventCountAsync(LocalStack stack, string token)
    {
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, $"{stack.Endpoints.RestUrl}/aggregates/metrics/events?granularity=minute");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await http.SendAsync(request);
        Assert.NotEqual(HttpStatusCode.Unauthorized, response.StatusCode);
        if (!response.IsSuccessStatusCode)
        {
            return 0;
        }

        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return doc.RootElement.TryGetProperty("total", out var total) && total.TryGetProperty("count", out var c) ? c.GetInt64() : 0;
    }

    private static Task<string> UntilAsync(Func<Task<long>> probe, long expected, string what) =>
        LocalStackFixture.EventuallyAsync(async () => await probe() == expected ? "ok" : null, what, TimeSpan.FromSeconds(60));
}
