using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using EventPipeline.Lambda;
using EventPipeline.Local.Deploy;

namespace EventPipeline.Local.Functions;

/// <summary>
/// One deployed function hosted in this process the way the Lambda service runs it: each invocation's event and
/// response go through the same source-generated JSON as the Runtime API (so a payload the function could not read in
/// AWS fails here too), both are held to Lambda's synchronous payload limit, and a handler still running at the
/// function's timeout is cancelled and reported as Lambda reports it (<c>Task timed out after N seconds</c>).
/// </summary>
/// <typeparam name="TRequest">The event type.</typeparam>
/// <typeparam name="TResponse">The response type.</typeparam>
public sealed class LocalLambda<TRequest, TResponse> : ILocalFunction
{
    private readonly LambdaHandler<TRequest, TResponse> _handler;
    private readonly JsonTypeInfo<TRequest> _requestType;
    private readonly JsonTypeInfo<TResponse> _responseType;
    private readonly TimeProvider _clock;
    private long _invocations;
    private long _errors;
    private long _timeouts;

    /// <summary>Hosts <paramref name="handler"/> as <paramref name="function"/>.</summary>
    public LocalLambda(DeployedFunction function, LambdaHandler<TRequest, TResponse> handler, JsonTypeInfo<TRequest> requestType, JsonTypeInfo<TResponse> responseType, TimeProvider? clock = null)
    {
        ArgumentNullException.ThrowIfNull(function);
        ArgumentNullException.ThrowIfNull(handler);
        Function = function;
        _handler = handler;
        _requestType = requestType;
        _responseType = responseType;
        _clock = clock ?? TimeProvider.System;
    }

    /// <summary>The function as deployed.</summary>
    public DeployedFunction Function { get; }

    /// <summary>Invocations so far.</summary>
    public long Invocations => Interlocked.Read(ref _invocations);

    /// <summary>Invocations that ended in an error (timeouts included).</summary>
    public long Errors => Interlocked.Read(ref _errors);

    /// <summary>Invocations that ran past the timeout.</summary>
    public long Timeouts => Interlocked.Read(ref _timeouts);

    /// <inheritdoc />
    public async Task<byte[]> InvokeJsonAsync(byte[] payload, CancellationToken cancellationToken)
    {
        TRequest request;
        try
        {
            request = JsonSerializer.Deserialize(payload, _requestType)!;
        }
        catch (JsonException ex)
        {
            throw new LambdaInvocationException("Runtime.InvalidEvent", $"the event is not a valid {typeof(TRequest).Name}: {ex.Message}", ex);
        }

        return JsonSerializer.SerializeToUtf8Bytes(await InvokeAsync(request, cancellationToken), _responseType);
    }

    /// <summary>Invokes the function synchronously (RequestResponse), as event source mappings and API Gateway do.</summary>
    /// <exception cref="LambdaInvocationException">The payload is too large, the handler failed or timed out.</exception>
    public async Task<TResponse> InvokeAsync(TRequest request, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _invocations);
        var payload = JsonSerializer.SerializeToUtf8Bytes(request, _requestType);
        if (payload.Length > LambdaLimits.SynchronousPayloadBytes)
        {
            Interlocked.Increment(ref _errors);
            throw new LambdaInvocationException(
                "RequestEntityTooLargeException",
                $"Request must be smaller than {LambdaLimits.SynchronousPayloadBytes} bytes for the InvokeFunction operation (was {payload.Length}).");
        }

        var input = JsonSerializer.Deserialize(payload, _requestType)!;
        var context = LambdaContext.ForLocal(Function.Name, Function.Timeout, _clock) with
        {
            InvokedFunctionArn = Function.Arn,
        };
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Function.Timeout);
        var started = Stopwatch.GetTimestamp();
        var run = Task.Run(() => _handler(input, context, timeout.Token), CancellationToken.None);
        TResponse response;
        try
        {
            // A handler that ignores its token still stops counting at the deadline, as Lambda freezes it.
            response = await run.WaitAsync(Function.Timeout, cancellationToken);
        }
        catch (TimeoutException)
        {
            Interlocked.Increment(ref _errors);
            Interlocked.Increment(ref _timeouts);
            await timeout.CancelAsync();
            throw new LambdaInvocationException("Sandbox.Timedout", $"Task timed out after {Function.Timeout.TotalSeconds:0.00} seconds");
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            Interlocked.Increment(ref _errors);
            Interlocked.Increment(ref _timeouts);
            throw new LambdaInvocationException("Sandbox.Timedout", $"Task timed out after {Stopwatch.GetElapsedTime(started).TotalSeconds:0.00} seconds");
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            Interlocked.Increment(ref _errors);
            throw new LambdaInvocationException(ex.GetType().Name, ex.Message, ex);
        }

        var output = JsonSerializer.SerializeToUtf8Bytes(response, _responseType);
        if (output.Length > LambdaLimits.SynchronousPayloadBytes)
        {
            Interlocked.Increment(ref _errors);
            throw new LambdaInvocationException("Function.ResponseSizeTooLarge", $"Response payload size ({output.Length} bytes) exceeded maximum allowed payload size ({LambdaLimits.SynchronousPayloadBytes} bytes).");
        }

        return JsonSerializer.Deserialize(output, _responseType)!;
    }
}
