using System.Globalization;
using System.Text.Json;
using Amazon.SQS;
using Amazon.SQS.Model;
using EventPipeline.Application.DeadLetters;
using EventPipeline.Application.Ports;

namespace EventPipeline.Aws.DeadLetters;

/// <summary>Dead letters to the SQS queue that is also the event source mapping's on-failure destination (AWS).</summary>
public sealed class SqsDeadLetterSink(IAmazonSQS sqs, string queueUrl) : IDeadLetterSink
{
    /// <inheritdoc />
    public async Task SendAsync(IReadOnlyList<DeadLetterEntry> entries, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entries);
        foreach (var chunk in entries.Chunk(10))
        {
            var response = await sqs.SendMessageBatchAsync(
                new SendMessageBatchRequest
                {
                    QueueUrl = queueUrl,
                    Entries = chunk.Select((e, i) => new SendMessageBatchRequestEntry
                    {
                        Id = i.ToString(CultureInfo.InvariantCulture),
                        MessageBody = JsonSerializer.Serialize(e, DeadLetterJsonContext.Default.DeadLetterEntry),
                    }).ToList(),
                },
                cancellationToken);
            if (response.Failed is { Count: > 0 } failed)
            {
                throw new InvalidOperationException($"SQS refused {failed.Count} dead letters: {failed[0].Code}");
            }
        }
    }
}
