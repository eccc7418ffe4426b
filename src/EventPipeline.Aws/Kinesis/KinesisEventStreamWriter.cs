using EventPipeline.Application.Ports;
using EventPipeline.Aws.Clients;

namespace EventPipeline.Aws.Kinesis;

/// <summary><see cref="IEventStreamWriter"/> over Kinesis <c>PutRecord</c> on one stream.</summary>
public sealed class KinesisEventStreamWriter(IKinesisClient kinesis, string streamName) : IEventStreamWriter
{
    /// <inheritdoc />
    public async Task PutAsync(string partitionKey, ReadOnlyMemory<byte> data, CancellationToken cancellationToken) =>
        await kinesis.PutRecordAsync(streamName, partitionKey, data, cancellationToken);
}
