namespace EventPipeline.Local.Functions;

/// <summary>Lambda's quotas that the local stack enforces (docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html).</summary>
public static class LambdaLimits
{
    /// <summary>
    /// Invocation payload, request and response, for synchronous invocation: 6 MB (6,291,456 bytes). Event source
    /// mappings and API Gateway invoke synchronously, so a mapping never builds a batch above it.
    /// </summary>
    public const int SynchronousPayloadBytes = 6 * 1024 * 1024;

    /// <summary>
    /// Invocation payload for asynchronous invocation (<c>InvocationType=Event</c>): 1 MB since 2025 (256 KB before;
    /// docs.aws.amazon.com/lambda/latest/dg/API_Invoke.html). Nothing in this stack invokes asynchronously; kept so a
    /// function that is given an asynchronous trigger is held to the right number.
    /// </summary>
    public const int AsynchronousPayloadBytes = 1024 * 1024;
}
