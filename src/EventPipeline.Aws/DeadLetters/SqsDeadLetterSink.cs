using System.Globalization;
using System.Text.Json;
using Amazon.SQS;
using Amazon.SQS.Model;
using EventPipeline.Application.DeadLetters;
using EventPipeline.Application.Ports;

namespace EventPipeline.Aws.DeadLetters;

/// <summary>
/// Dead letters to the SQS queue that is also the event source mappings' on-failure destination. Batches respect SQS's
/// limits: at most 10 messages and 1 MiB (1,048,576 bytes) in all per SendMessageBatch, 1 MiB per message (raised from
/// 256 KiB in 2025). An entry whose record bytes would not fit is sent without them, flagged
/// <see cref="DeadLetterEntry.DataOmitted"/>: it keeps the stream, shard and sequence number, so a redrive re-reads
/// the record from the stream — never dropped, never an oversized call that fails the whole batch.
/// </summary>
public sealed class SqsDeadLetterSink : IDeadLetterSink
{
    private readonly Lazy<IAmazonSQS> _sqs;
    private readonly string _queueUrl;

    /// <summary>Sends to <paramref name="queueUrl"/> with <paramref name="sqs"/>.</summary>
    public SqsDeadLetterSink(IAmazonSQS sqs, string queueUrl)
    {
        ArgumentNullException.ThrowIfNull(sqs);
        _sqs = new(sqs);
        _queueUrl = queueUrl;
    }

    /// <summary>
    /// Sends to <paramref name="queueUrl"/> with the client <paramref name="sqs"/> creates on the first dead letter: most
    /// batches have none, so a function's cold start does not build an SQS client it may never call.
    /// </summary>
    public SqsDeadLetterSink(Func<IAmazonSQS> sqs, string queueUrl)
    {
        ArgumentNullException.ThrowIfNull(sqs);
        _sqs = new(sqs);
        _queueUrl = queueUrl;
    }

    /// <summary>Largest message, and largest batch payload (docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/quotas-messages.html).</summary>
    public const int MaxMessageBytes = 1_048_576;

    /// <summary>Most entries in one SendMessageBatch.</summary>
    public const int MaxBatchEntries = 10;

    /// <inheritdoc />
    public async Task SendAsync(IReadOnlyList<DeadLetterEntry> entries, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entries);
        foreach (var batch in Batches(entries.Select(Body)))
        {
            var response = await _sqs.Value.SendMessageBatchAsync(
                new SendMessageBatchRequest
                {
                    QueueUrl = _queueUrl,
                    Entries = batch.Select((body, i) => new SendMessageBatchRequestEntry { Id = i.ToString(CultureInfo.InvariantCulture), MessageBody = body }).ToList(),
                },
                cancellationToken);
            if (response.Failed is { Count: > 0 } failed)
            {
                throw new InvalidOperationException($"SQS refused {failed.Count} dead letters: {failed[0].Code} {failed[0].Message}");
            }
        }
    }

    /// <summary>The message body of an entry: its JSON, without the record bytes when they would not fit a message.</summary>
    public static string Body(DeadLetterEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var body = JsonSerializer.Serialize(entry, DeadLetterJsonContext.Default.DeadLetterEntry);
        if (System.Text.Encoding.UTF8.GetByteCount(body) <= MaxMessageBytes)
        {
            return body;
        }

        var data = entry.Data;
        try
        {
            entry.Data = [];
            entry.DataOmitted = true;
            return JsonSerializer.Serialize(entry, DeadLetterJsonContext.Default.DeadLetterEntry);
        }
        finally
        {
            entry.Data = data;
            entry.DataOmitted = false;
        }
    }

    /// <summary>Groups message bodies into batches of at most 10 messages and 1 MiB.</summary>
    public static IEnumerable<IReadOnlyList<string>> Batches(IEnumerable<string> bodies)
    {
        ArgumentNullException.ThrowIfNull(bodies);
        var batch = new List<string>(MaxBatchEntries);
        var bytes = 0;
        foreach (var body in bodies)
        {
            var size = System.Text.Encoding.UTF8.GetByteCount(body);
            if (batch.Count == MaxBatchEntries || (batch.Count > 0 && bytes + size > MaxMessageBytes))
            {
                yield return batch;
                batch = new List<string>(MaxBatchEntries);
                bytes = 0;
            }

            batch.Add(body);
            bytes += size;
        }

        if (batch.Count > 0)
        {
            yield return batch;
        }
    }
}
