namespace EventPipeline.Application.Ports;

/// <summary>Puts records on the events stream (Kinesis <c>PutRecord</c> in AWS and locally).</summary>
public interface IEventStreamWriter
{
    /// <summary>Puts one record; throws when the stream refused it after the client's retries.</summary>
    Task PutAsync(string partitionKey, ReadOnlyMemory<byte> data, CancellationToken cancellationToken);
}
