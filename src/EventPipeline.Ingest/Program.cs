using EventPipeline.Lambda;
using EventPipeline.Lambda.Events;

namespace EventPipeline.Ingest;

/// <summary>Custom-runtime entry point (bootstrap): builds the function once, then serves invocations.</summary>
internal static class Program
{
    private static Task<int> Main() => LambdaRuntime.RunAsync(
        _ => Task.FromResult<LambdaHandler<KinesisEvent, StreamsEventResponse>>(IngestComposition.Create(FunctionHost.Process).HandleAsync),
        LambdaEventsJsonContext.Default.KinesisEvent,
        LambdaEventsJsonContext.Default.StreamsEventResponse);
}
