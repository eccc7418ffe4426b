namespace EventPipeline.Aws.Clients;

/// <summary>
/// The Kinesis calls for enhanced fan-out consumers (JSON 1.1, <c>Kinesis_20131202.*</c>): registering one (what
/// <c>AWS::Kinesis::StreamConsumer</c> deploys) and describing it (what an event source mapping on a consumer checks).
/// Named as the AWS API names them, so the official client can replace this.
/// </summary>
public interface IKinesisStreamConsumers
{
    /// <summary>RegisterStreamConsumer: a new consumer, usually <c>CREATING</c>.</summary>
    Task<StreamConsumer> RegisterStreamConsumerAsync(string streamArn, string consumerName, CancellationToken cancellationToken);

    /// <summary>DescribeStreamConsumer by ARN.</summary>
    Task<StreamConsumer> DescribeStreamConsumerAsync(string consumerArn, CancellationToken cancellationToken);

    /// <summary>DescribeStreamConsumer by stream ARN and consumer name.</summary>
    Task<StreamConsumer> DescribeStreamConsumerAsync(string streamArn, string consumerName, CancellationToken cancellationToken);
}
