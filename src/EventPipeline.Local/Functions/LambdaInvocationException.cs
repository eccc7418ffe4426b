namespace EventPipeline.Local.Functions;

/// <summary>A failed invocation, with the error type Lambda reports for it (<c>Sandbox.Timedout</c>, <c>RequestEntityTooLargeException</c>, the handler's exception type).</summary>
public sealed class LambdaInvocationException(string errorType, string message, Exception? inner = null) : Exception(message, inner)
{
    /// <summary>Lambda's <c>errorType</c>.</summary>
    public string ErrorType { get; } = errorType;
}
