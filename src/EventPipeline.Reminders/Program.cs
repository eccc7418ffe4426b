namespace EventPipeline.Reminders;

internal static class Program
{
    // TODO(lead): wire LambdaRuntime.RunAsync with
    //   RemindersComposition.Create(<signed Step Functions client>, <DynamoDB idempotency store on the operations table>,
    //                               RemindersOptions.FromEnvironment())
    // and RemindersFunction.HandleAsync, serializing with LambdaEventsJsonContext.
    private static int Main() => 0;
}
