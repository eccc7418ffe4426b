namespace EventPipeline.Lambda;

/// <summary>What a handler knows about its invocation (from the Runtime API's next-invocation headers).</summary>
public interface ILambdaContext
{
    /// <summary>Lambda-Runtime-Aws-Request-Id.</summary>
    string AwsRequestId { get; }

    /// <summary>Lambda-Runtime-Invoked-Function-Arn.</summary>
    string InvokedFunctionArn { get; }

    /// <summary>Lambda-Runtime-Deadline-Ms as a point in time.</summary>
    DateTimeOffset Deadline { get; }

    /// <summary>Lambda-Runtime-Trace-Id (X-Ray), if any.</summary>
    string? TraceId { get; }

    /// <summary>AWS_LAMBDA_FUNCTION_NAME, or the local stack's function name.</summary>
    string FunctionName { get; }

    /// <summary>Time left before the deadline (never negative).</summary>
    TimeSpan RemainingTime { get; }
}
