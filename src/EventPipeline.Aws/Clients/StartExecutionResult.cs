namespace EventPipeline.Aws.Clients;

public sealed record StartExecutionResult(string ExecutionArn, DateTimeOffset StartDate);
