using EventPipeline.Lambda;
using EventPipeline.Lambda.Events;

namespace EventPipeline.Bus;

/// <summary>Custom-runtime entry point (bootstrap): builds the function once, then serves invocations.</summary>
internal static class Program
{
    private static Task<int> Main() => LambdaRuntime.RunAsync(
        _ => Task.FromResult<LambdaHandler<DynamoDBEvent, StreamsEventResponse>>(BusComposition.Create(FunctionHost.Process).HandleAsync),
        LambdaEventsJsonContext.Default.DynamoDBEvent,
        LambdaEventsJsonContext.Default.StreamsEventResponse);
}
