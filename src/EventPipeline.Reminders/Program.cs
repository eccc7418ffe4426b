namespace EventPipeline.Reminders;

internal static class Program
{
    // TODO(lead): wire LambdaRuntime.RunAsync with
    //   RemindersComposition.Create(<signed Step Functions client>, new DynamoDbIdempotencyStore(dynamoDb, PipelineTopology.Tables.Operations),
    //                               RemindersOptions.FromEnvironment())
    // and RemindersFunction.HandleAsync, serializing with LambdaEventsJsonContext.
    private static int Main() => 0;
}
