using System.Globalization;
using System.Text.Json;
using Amazon.SQS;
using Amazon.SQS.Model;
using EventPipeline.Application.DeadLetters;
using EventPipeline.Aws.DeadLetters;

namespace EventPipeline.Local.DeadLetters;

/// <summary>
/// The dead-letter queue (SQS, on moto) read as a list for the CLI and the dashboard. It holds two kinds of message,
/// as in AWS: entries the functions wrote (<see cref="DeadLetterEntry"/> JSON, with the record bytes), and the event
/// source mappings' on-failure records (Lambda's invocation record: shard and sequence range only), which are shown as
/// entries without bytes. Listing receives every message with a short visibility timeout and makes each visible again,
/// so nothing is consumed; a redriven entry is deleted from the queue.
/// </summary>
public sealed class SqsDeadLetterQueue(IAmazonSQS sqs, string queueUrl) : IDeadLetterStore
{
    private readonly SqsDeadLetterSink _sink = new(sqs, queueUrl);

    /// <inheritdoc />
    public Task SendAsync(IReadOnlyList<DeadLetterEntry> entries, CancellationToken cancellationToken) => _sink.SendAsync(entries, cancellationToken);

    /// <inheritdoc />
    public async Task<IReadOnlyList<DeadLetterEntry>> ListAsync(int limit, CancellationToken cancellationToken) =>
        (await ReceiveAllAsync(limit, cancellationToken)).Select(m => m.Entry).OrderBy(e => e.DeadLetteredAt).ThenBy(e => e.Id, StringComparer.Ordinal).ToList();

    /// <inheritdoc />
    public async Task<DeadLetterEntry?> GetAsync(string id, CancellationToken cancellationToken) =>
        (await ReceiveAllAsync(int.MaxValue, cancellationToken)).Select(m => m.Entry).FirstOrDefault(e => e.Id == id);

    /// <inheritdoc />
    public async Task MarkRedrivenAsync(string id, CancellationToken cancellationToken)
    {
        foreach (var message in await ReceiveAllAsync(int.MaxValue, cancellationToken, release: false))
        {
            if (message.Entry.Id == id)
            {
                await sqs.DeleteMessageAsync(queueUrl, message.ReceiptHandle, cancellationToken);
            }
            else
            {
                await sqs.ChangeMessageVisibilityAsync(queueUrl, message.ReceiptHandle, 0, cancellationToken);
            }
        }
    }

    /// <summary>
    /// Writes every message of the queue to <paramref name="path"/> (one JSON string per line), so a stack that stops
    /// keeps its dead letters: moto holds its queues in memory only. Returns how many were saved.
    /// </summary>
    public async Task<int> SaveAsync(string path, CancellationToken cancellationToken)
    {
        var messages = await ReceiveAllAsync(int.MaxValue, cancellationToken, release: false, bodies: true);
        var staging = path + ".new";
        await File.WriteAllLinesAsync(staging, messages.Select(m => JsonSerializer.Serialize(m.Body!, LocalJsonContext.Default.String)), cancellationToken);
        File.Move(staging, path, overwrite: true);
        return messages.Count;
    }

    /// <summary>Sends the messages <see cref="SaveAsync"/> wrote back to the queue, then deletes the file. Returns how many.</summary>
    public async Task<int> RestoreAsync(string path, CancellationToken cancellationToken)
    {
        if (!File.Exists(path))
        {
            return 0;
        }

        var bodies = (await File.ReadAllLinesAsync(path, cancellationToken))
            .Where(l => l.Length > 0)
            .Select(l => JsonSerializer.Deserialize(l, LocalJsonContext.Default.String)!)
            .ToList();
        foreach (var chunk in bodies.Chunk(10))
        {
            var response = await sqs.SendMessageBatchAsync(
                new SendMessageBatchRequest
                {
                    QueueUrl = queueUrl,
                    Entries = chunk.Select((b, i) => new SendMessageBatchRequestEntry(i.ToString(CultureInfo.InvariantCulture), b)).ToList(),
                },
                cancellationToken);
            if (response.Failed is { Count: > 0 } failed)
            {
                throw new IOException($"restoring dead letters from {path}: {failed.Count} not accepted ({failed[0].Message}); the file is kept");
            }
        }

        File.Delete(path);
        return bodies.Count;
    }

    /// <summary>An entry for a queue message: a function's dead letter as written, or a mapping's on-failure record.</summary>
    public static DeadLetterEntry? ToEntry(string body, string messageId)
    {
        ArgumentNullException.ThrowIfNull(body);
        using var doc = JsonDocument.Parse(body);
        var root = doc.RootElement;
        if (root.TryGetProperty("requestContext", out var request))
        {
            var info = root.TryGetProperty("KinesisBatchInfo", out var k) ? k : root.GetProperty("DDBStreamBatchInfo");
            var condition = request.GetProperty("condition").GetString() ?? "";
            var start = info.GetProperty("startSequenceNumber").GetString() ?? "";
            var end = info.GetProperty("endSequenceNumber").GetString() ?? "";
            var functionArn = request.GetProperty("functionArn").GetString() ?? "";
            return new DeadLetterEntry
            {
                Id = $"{info.GetProperty("shardId").GetString()}/{start}" + (end != start ? $"-{end}" : ""),
                Category = condition == "RecordAgeExceeded" ? "record-age-exceeded" : "retries-exhausted",
                Field = "record",
                Rule = condition,
                Reason = $"record: {condition} ({info.GetProperty("batchSize").GetInt32().ToString(CultureInfo.InvariantCulture)} records, re-read from the stream on redrive)",
                Function = functionArn[(functionArn.LastIndexOf(':') + 1)..],
                StreamArn = info.GetProperty("streamArn").GetString(),
                ShardId = info.GetProperty("shardId").GetString() ?? "",
                SequenceNumber = start,
                EndSequenceNumber = end,
                Attempts = request.TryGetProperty("approximateInvokeCount", out var n) ? n.GetInt32() : 0,
                ApproximateArrivalTimestamp = DateTimeOffset.Parse(info.GetProperty("approximateArrivalOfFirstRecord").GetString()!, CultureInfo.InvariantCulture),
                DeadLetteredAt = DateTimeOffset.Parse(root.GetProperty("timestamp").GetString()!, CultureInfo.InvariantCulture),
                DataOmitted = true,
            };
        }

        var entry = JsonSerializer.Deserialize(body, DeadLetterJsonContext.Default.DeadLetterEntry);
        return entry is null || entry.Id.Length > 0 ? entry : WithId(entry, messageId);
    }

    private static DeadLetterEntry WithId(DeadLetterEntry entry, string messageId)
    {
        entry.Id = messageId;
        return entry;
    }

    private async Task<List<(DeadLetterEntry Entry, string ReceiptHandle, string? Body)>> ReceiveAllAsync(int limit, CancellationToken ct, bool release = true, bool bodies = false)
    {
        var seen = new Dictionary<string, (DeadLetterEntry, string, string?)>(StringComparer.Ordinal);
        while (seen.Count < limit)
        {
            var response = await sqs.ReceiveMessageAsync(
                new ReceiveMessageRequest { QueueUrl = queueUrl, MaxNumberOfMessages = 10, VisibilityTimeout = 30, WaitTimeSeconds = 0 },
                ct);
            var fresh = (response.Messages ?? []).Where(m => !seen.ContainsKey(m.MessageId)).ToList();
            if (fresh.Count == 0)
            {
                break;
            }

            foreach (var message in fresh)
            {
                if (ToEntry(message.Body, message.MessageId) is { } entry)
                {
                    seen[message.MessageId] = (entry, message.ReceiptHandle, bodies ? message.Body : null);
                }
            }
        }

        if (release)
        {
            foreach (var chunk in seen.Values.Chunk(10))
            {
                await sqs.ChangeMessageVisibilityBatchAsync(
                    new ChangeMessageVisibilityBatchRequest
                    {
                        QueueUrl = queueUrl,
                        Entries = chunk.Select((m, i) => new ChangeMessageVisibilityBatchRequestEntry { Id = i.ToString(CultureInfo.InvariantCulture), ReceiptHandle = m.Item2, VisibilityTimeout = 0 }).ToList(),
                    },
                    ct);
            }
        }

        return [.. seen.Values];
    }
}
