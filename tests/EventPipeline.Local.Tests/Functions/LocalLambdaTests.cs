using System.Text.Json;
using System.Text.Json.Serialization;
using EventPipeline.Local.Deploy;
using EventPipeline.Local.Functions;
using EventPipeline.Local.Iam;

namespace EventPipeline.Local.Tests.Functions;

/// <summary>Lambda's invocation limits as the local host applies them: payload sizes and the function timeout.</summary>
public sealed class LocalLambdaTests
{
    private static DeployedFunction Function(TimeSpan timeout) => new(
        "Fn", "test", "test-fn", "arn:aws:lambda:us-east-1:000000000000:function:test-fn", new Dictionary<string, string>(), timeout, 256,
        new IamPrincipal("role", "arn:aws:iam::000000000000:role/test", "AKIATEST", "secret", []));

    private static LocalLambda<Payload, Payload> Host(TimeSpan timeout, Func<Payload, CancellationToken, Task<Payload>> handler) =>
        new(Function(timeout), (input, _, ct) => handler(input, ct), TestJson.Default.Payload, TestJson.Default.Payload);

    [Fact]
    public async Task Invoke_RequestOver6MB_RequestEntityTooLarge_HandlerNotRun()
    {
        var ran = false;
        var host = Host(TimeSpan.FromSeconds(5), (p, _) => { ran = true; return Task.FromResult(p); });

        var ex = await Assert.ThrowsAsync<LambdaInvocationException>(() => host.InvokeAsync(new Payload(new string('x', LambdaLimits.SynchronousPayloadBytes)), CancellationToken.None));

        Assert.Equal("RequestEntityTooLargeException", ex.ErrorType);
        Assert.False(ran);
    }

    [Fact]
    public async Task Invoke_RequestJustUnder6MB_Runs()
    {
        var host = Host(TimeSpan.FromSeconds(5), (p, _) => Task.FromResult(new Payload("ok")));

        // {"Data":"…"} adds 11 bytes around the string.
        var response = await host.InvokeAsync(new Payload(new string('x', LambdaLimits.SynchronousPayloadBytes - 11)), CancellationToken.None);

        Assert.Equal("ok", response.Data);
    }

    [Fact]
    public async Task Invoke_ResponseOver6MB_ResponseSizeTooLarge()
    {
        var host = Host(TimeSpan.FromSeconds(5), (_, _) => Task.FromResult(new Payload(new string('y', LambdaLimits.SynchronousPayloadBytes))));

        var ex = await Assert.ThrowsAsync<LambdaInvocationException>(() => host.InvokeAsync(new Payload("in"), CancellationToken.None));

        Assert.Equal("Function.ResponseSizeTooLarge", ex.ErrorType);
    }

    [Fact]
    public async Task Invoke_HandlerRunsPastTheTimeout_SandboxTimedoutAndItsTokenCancelled()
    {
        var cancelled = new TaskCompletionSource();
        var host = Host(TimeSpan.FromMilliseconds(300), async (p, ct) =>
        {
            using var registration = ct.Register(() => cancelled.TrySetResult());
            await Task.Delay(Timeout.Infinite, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30), CancellationToken.None);
            return p;
        });

        var ex = await Assert.ThrowsAsync<LambdaInvocationException>(() => host.InvokeAsync(new Payload("in"), CancellationToken.None));

        Assert.Equal("Sandbox.Timedout", ex.ErrorType);
        Assert.StartsWith("Task timed out after 0.30 seconds", ex.Message, StringComparison.Ordinal);
        await cancelled.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(1, host.Timeouts);
    }

    [Fact]
    public async Task InvokeJson_EventTheRuntimeCouldNotRead_RuntimeInvalidEvent()
    {
        var host = Host(TimeSpan.FromSeconds(5), (p, _) => Task.FromResult(p));

        var ex = await Assert.ThrowsAsync<LambdaInvocationException>(() => host.InvokeJsonAsync("{\"Data\":42}"u8.ToArray(), CancellationToken.None));

        Assert.Equal("Runtime.InvalidEvent", ex.ErrorType);
    }
}

internal sealed record Payload(string Data);

[JsonSerializable(typeof(Payload))]
internal sealed partial class TestJson : JsonSerializerContext;
