namespace EventPipeline.Lambda;

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
