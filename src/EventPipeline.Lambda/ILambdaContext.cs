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

/// <summary>A plain context: built by the runtime loop from headers, or by the local stack and tests directly.</summary>
public sealed record LambdaContext(string AwsRequestId, string InvokedFunctionArn, DateTimeOffset Deadline, string? TraceId, string FunctionName)
    : ILambdaContext
{
    /// <summary>Clock used for <see cref="RemainingTime"/>; the system clock unless a test sets one.</summary>
    public TimeProvider Clock { get; init; } = TimeProvider.System;

    /// <inheritdoc />
    public TimeSpan RemainingTime
    {
        get
        {
            var left = Deadline - Clock.GetUtcNow();
            return left < TimeSpan.Zero ? TimeSpan.Zero : left;
        }
    }

    /// <summary>A context for a local invocation of <paramref name="functionName"/> with the given timeout.</summary>
    public static LambdaContext ForLocal(string functionName, TimeSpan timeout, TimeProvider? clock = null)
    {
        var c = clock ?? TimeProvider.System;
        return new LambdaContext(
            Guid.NewGuid().ToString(),
            $"arn:aws:lambda:us-east-1:000000000000:function:{functionName}",
            c.GetUtcNow() + timeout,
            null,
            functionName)
        { Clock = c };
    }
}
