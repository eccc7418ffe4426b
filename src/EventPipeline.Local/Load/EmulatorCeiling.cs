using System.Diagnostics;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using EventPipeline.Aws.Clients;

namespace EventPipeline.Local.Load;

/// <summary>
/// The emulators' raw throughput on their own ports (no IAM edge, no pipeline): PutRecords back to back to a scratch
/// stream, UpdateItem (ADD) to a scratch table, a few seconds each.
/// </summary>
public static class EmulatorCeiling
{
    private const string Scratch = "load-ceiling";

    /// <summary>Measures both for <paramref name="seconds"/> each.</summary>
    public static async Task<CeilingMeasurement> MeasureAsync(LocalEndpoints endpoints, double seconds, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var aws = EmulatorClients.Endpoints(endpoints);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        using var kinesis = new KinesisClient(aws, http);
        await EmulatorClients.EnsureStreamAsync(kinesis, Scratch, ct);

        var payload = new byte[800];
        Array.Fill(payload, (byte)'x');
        var entries = Enumerable.Range(0, 500).Select(i => new PutRecordsEntry($"k{i}", payload)).ToList();
        long records = 0;
        var sw = Stopwatch.StartNew();
        while (sw.Elapsed.TotalSeconds < seconds)
        {
            var r = await kinesis.PutRecordsAsync(Scratch, entries, ct);
            records += entries.Count - r.FailedRecordCount;
        }

        var putRate = records / sw.Elapsed.TotalSeconds;

        using var ddb = EmulatorClients.DynamoDb(aws);
        await EmulatorClients.EnsureTableAsync(ddb, Scratch, stream: false, ct);
        long updates = 0;
        sw.Restart();
        var workers = Enumerable.Range(0, 8).Select(async w =>
        {
            var i = 0;
            while (sw.Elapsed.TotalSeconds < seconds)
            {
                await ddb.UpdateItemAsync(new UpdateItemRequest
                {
                    TableName = Scratch,
                    Key = new() { ["pk"] = new AttributeValue($"k{w}-{i++ % 50}") },
                    UpdateExpression = "ADD n :one",
                    ExpressionAttributeValues = new() { [":one"] = new AttributeValue { N = "1" } },
                }, ct);
                Interlocked.Increment(ref updates);
            }
        });
        await Task.WhenAll(workers);
        return new CeilingMeasurement(putRate, updates / sw.Elapsed.TotalSeconds);
    }
}
