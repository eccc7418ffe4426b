using EventPipeline.Local.Iam;
using EventPipeline.Topology;

namespace EventPipeline.Local.Deploy;

/// <summary>An event source mapping as the template defines it.</summary>
public sealed record DeployedEventSourceMapping(
    string LogicalId,
    string FunctionName,
    string EventSourceArn,
    EventSourceMappingSettings Settings,
    string StartingPosition,
    string? OnFailureDestinationArn)
{
    /// <summary>A Kinesis mapping (on a stream or on a stream's consumer), not a DynamoDB Streams one.</summary>
    public bool IsKinesis => EventSourceArn.StartsWith("arn:aws:kinesis:", StringComparison.Ordinal);

    /// <summary>A mapping on an enhanced fan-out consumer: its source is a consumer ARN (<c>…:stream/{name}/consumer/…</c>).</summary>
    public bool IsOnConsumer => IsKinesis && EventSourceArn.Contains("/consumer/", StringComparison.Ordinal);

    /// <summary>The Kinesis stream's name, from a stream or consumer ARN.</summary>
    public string StreamName
    {
        get
        {
            var afterStream = EventSourceArn[(EventSourceArn.IndexOf(":stream/", StringComparison.Ordinal) + ":stream/".Length)..];
            var slash = afterStream.IndexOf('/', StringComparison.Ordinal);
            return slash < 0 ? afterStream : afterStream[..slash];
        }
    }
}
