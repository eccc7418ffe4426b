namespace EventPipeline.Aws.Clients;

/// <summary>An enhanced fan-out consumer of a stream.</summary>
/// <param name="ConsumerArn">Its ARN (<c>…:stream/{stream}/consumer/{name}:{creation epoch seconds}</c>).</param>
/// <param name="ConsumerName">Its name.</param>
/// <param name="ConsumerStatus"><c>CREATING</c>, <c>ACTIVE</c> or <c>DELETING</c>.</param>
/// <param name="StreamArn">The stream it reads (absent from RegisterStreamConsumer's answer).</param>
public sealed record StreamConsumer(string ConsumerArn, string ConsumerName, string ConsumerStatus, string? StreamArn);
