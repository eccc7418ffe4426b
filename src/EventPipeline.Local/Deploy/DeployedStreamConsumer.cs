namespace EventPipeline.Local.Deploy;

/// <summary>An enhanced fan-out consumer (<c>AWS::Kinesis::StreamConsumer</c>) as registered on kinesis-mock.</summary>
/// <param name="LogicalId">Its logical id in the template.</param>
/// <param name="Name">The consumer name.</param>
/// <param name="Arn">The consumer ARN kinesis-mock gave it (<c>…:stream/{stream}/consumer/{name}:{epoch seconds}</c>).</param>
/// <param name="StreamArn">The stream it reads.</param>
public sealed record DeployedStreamConsumer(string LogicalId, string Name, string Arn, string StreamArn);
