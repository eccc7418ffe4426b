using EventPipeline.Application.Bus;
using EventPipeline.Aws;
using EventPipeline.Aws.Bus;
using EventPipeline.Aws.Clients;
using EventPipeline.Aws.DeadLetters;
using EventPipeline.Lambda;
using EventPipeline.Topology;

namespace EventPipeline.Bus;

/// <summary>Builds the Bus function once per cold start, from its environment (AWS and the local stack alike).</summary>
public static class BusComposition
{
    /// <summary>The function's key (EMF dimension, name tag).</summary>
    public const string FunctionKey = "bus";

    /// <summary>Reads <c>EVENT_BUS_NAME</c>, <c>DEAD_LETTER_QUEUE_URL</c> and the AWS client settings, and wires the function.</summary>
    public static BusFunction Create(FunctionHost host)
    {
        ArgumentNullException.ThrowIfNull(host);
        var settings = PipelineSettings.FromEnvironment(host.Environment);
        var aws = AwsClients.Create(AwsEndpoints.FromEnvironment(host.Environment));
        var broadcast = new ChangeBroadcast(
            new EventBridgeBusWriter(aws.EventBridge, settings.EventBusName, host.Clock),
            new SqsDeadLetterSink(() => aws.Sqs, settings.DeadLetterQueueUrl),
            host.Clock,
            new BusEventNames(PipelineTopology.Bus.Source, PipelineTopology.Bus.AggregateChanged, host.Environment("AWS_LAMBDA_FUNCTION_NAME") ?? FunctionKey));
        return new BusFunction(broadcast, host.Log(), host.Metrics(FunctionKey));
    }
}
