using Amazon.SQS;

namespace EventPipeline.Local.EventSources;

/// <summary>
/// An event source mapping's on-failure destination on SQS, as in AWS: the message is Lambda's invocation record
/// (shard, first and last sequence numbers, batch size, condition) and carries no record data — a redrive re-reads the
/// records from the stream. Sent with the function's execution role, as Lambda sends it.
/// </summary>
public sealed class SqsFailureDestination(IAmazonSQS sqs, string queueUrl) : IFailureDestination
{
    /// <inheritdoc />
    public async Task SendAsync(StreamFailureRecord record, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        await sqs.SendMessageAsync(queueUrl, record.ToJson(includeRecords: false), cancellationToken);
    }
}
