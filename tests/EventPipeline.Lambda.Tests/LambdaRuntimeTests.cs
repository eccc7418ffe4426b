using System.Text.Json;
using EventPipeline.Lambda.Events;

namespace EventPipeline.Lambda.Tests;

/// <summary>
/// The loop against a fake of the documented Runtime API. One class, so these tests run one after another: the loop sets
/// the process-wide _X_AMZN_TRACE_ID variable.
/// </summary>
public sealed class LambdaRuntimeTests : IAsyncLifetime, IDisposable
{
    private const string Arn = "arn:aws:lambda:us-east-2:123456789012:function:ingest:live";
    private FakeRuntimeApi _api = null!;
    private HttpClient _http = null!;
    // Guards against a hung test only; no assertion depends on time.
    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromSeconds(60));

    public async Task InitializeAsync()
    {
        _api = await FakeRuntimeApi.StartAsync();
        _http = new HttpClient();
    }

    public async Task DisposeAsync() => await _api.DisposeAsync();

    public void Dispose()
    {
        _http.Dispose();
        _timeout.Dispose();
    }

    private static long InOneHour() => DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeMilliseconds();

    private LambdaRuntimeOptions Options(int max, string? functionName = "ingest") =>
        new() { RuntimeApi = _api.BaseAddress, HttpClient = _http, MaxInvocations = max, FunctionName = functionName };

    private static Func<CancellationToken, Task<LambdaHandler<KinesisEvent, StreamsEventResponse>>> Init(
        LambdaHandler<KinesisEvent, StreamsEventResponse> handler) => _ => Task.FromResult(handler);

    private Task<int> RunKinesisAsync(LambdaHandler<KinesisEvent, StreamsEventResponse> handler, LambdaRuntimeOptions options) =>
        LambdaRuntime.RunAsync(Init(handler), LambdaEventsJsonContext.Default.KinesisEvent, LambdaEventsJsonContext.Default.StreamsEventResponse, options, _timeout.Token);

    [Fact]
    public async Task RunAsync_SuccessfulInvocation_PostsHandlerOutputAndContextMatchesHeaders()
    {
        const long deadlineMs = 4_102_444_800_000; // 2100-01-01T00:00:00Z
        const string trace = "Root=1-5bef4de7-ad49b0e87f6ef6c87fc2e700;Parent=9a9197af755a6419;Sampled=1";
        _api.Enqueue(new FakeInvocation("8476a536-e9f4-11e8-9739-2dfe598c3fcd", SampleEvents.Read("kinesis-event.json"), deadlineMs, Arn, trace));
        ILambdaContext? seen = null;
        string? traceEnv = null;
        int records = 0;

        var exit = await RunKinesisAsync((input, context, ct) =>
        {
            seen = context;
            traceEnv = Environment.GetEnvironmentVariable("_X_AMZN_TRACE_ID");
            records = input.Records.Count;
            return Task.FromResult(new StreamsEventResponse
            {
                BatchItemFailures = [new() { ItemIdentifier = input.Records[1].Kinesis.SequenceNumber }],
            });
        }, Options(1));

        Assert.Equal(0, exit);
        Assert.Equal(2, records);
        var post = Assert.Single(_api.Posts);
        Assert.Equal("response", post.Kind);
        Assert.Equal("8476a536-e9f4-11e8-9739-2dfe598c3fcd", post.RequestId);
        Assert.Equal("""{"batchItemFailures":[{"itemIdentifier":"49590338271490256608559692540925702759324208523137515618"}]}""", post.Body);
        Assert.Equal("application/json", post.ContentType);
        Assert.Null(post.ErrorType);

        Assert.NotNull(seen);
        Assert.Equal("8476a536-e9f4-11e8-9739-2dfe598c3fcd", seen.AwsRequestId);
        Assert.Equal(Arn, seen.InvokedFunctionArn);
        Assert.Equal(new DateTimeOffset(2100, 1, 1, 0, 0, 0, TimeSpan.Zero), seen.Deadline);
        Assert.Equal(trace, seen.TraceId);
        Assert.Equal("ingest", seen.FunctionName);
        Assert.Equal(trace, traceEnv);
    }

    [Fact]
    public async Task RunAsync_NoFunctionNameOption_TakesNameFromInvokedArn()
    {
        if (Environment.GetEnvironmentVariable("AWS_LAMBDA_FUNCTION_NAME") is not null)
        {
            return; // The environment variable rightly wins; nothing to check here.
        }

        _api.Enqueue(new FakeInvocation("req-arn", """{"Records":[]}""", InOneHour(), Arn, null));
        string? name = null;

        await RunKinesisAsync((_, context, _) =>
        {
            name = context.FunctionName;
            return Task.FromResult(new StreamsEventResponse());
        }, Options(1, functionName: null));

        Assert.Equal("ingest", name);
    }

    [Fact]
    public async Task RunAsync_HandlerThrows_PostsDocumentedErrorAndContinuesWithNextInvocation()
    {
        _api.Enqueue(new FakeInvocation("req-1", """{"Records":[]}""", InOneHour(), Arn, null));
        _api.Enqueue(new FakeInvocation("req-2", """{"Records":[]}""", InOneHour(), Arn, null));
        var calls = 0;

        var exit = await RunKinesisAsync((_, context, _) =>
        {
            calls++;
            return context.AwsRequestId == "req-1"
                ? throw new InvalidOperationException("table aggregates rejected the write")
                : Task.FromResult(new StreamsEventResponse());
        }, Options(2));

        Assert.Equal(0, exit);
        Assert.Equal(2, calls);
        var posts = _api.Posts;
        Assert.Equal(2, posts.Count);

        Assert.Equal("error", posts[0].Kind);
        Assert.Equal("req-1", posts[0].RequestId);
        Assert.Equal("Function.InvalidOperationException", posts[0].ErrorType);
        using var error = JsonDocument.Parse(posts[0].Body);
        Assert.Equal("table aggregates rejected the write", error.RootElement.GetProperty("errorMessage").GetString());
        Assert.Equal("InvalidOperationException", error.RootElement.GetProperty("errorType").GetString());
        var stack = error.RootElement.GetProperty("stackTrace");
        Assert.Equal(JsonValueKind.Array, stack.ValueKind);
        Assert.All(stack.EnumerateArray(), line => Assert.Equal(JsonValueKind.String, line.ValueKind));

        Assert.Equal("response", posts[1].Kind);
        Assert.Equal("req-2", posts[1].RequestId);
        Assert.Equal("""{"batchItemFailures":[]}""", posts[1].Body);
    }

    [Fact]
    public async Task RunAsync_PayloadIsNotValidJson_PostsRuntimeErrorWithoutCallingHandler()
    {
        _api.Enqueue(new FakeInvocation("req-bad", "{not json", InOneHour(), Arn, null));
        var called = false;

        var exit = await RunKinesisAsync((_, _, _) =>
        {
            called = true;
            return Task.FromResult(new StreamsEventResponse());
        }, Options(1));

        Assert.Equal(0, exit);
        Assert.False(called);
        var post = Assert.Single(_api.Posts);
        Assert.Equal("error", post.Kind);
        Assert.Equal("req-bad", post.RequestId);
        Assert.StartsWith("Runtime.", post.ErrorType, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_InitThrows_PostsInitErrorAndReturnsNonZero()
    {
        var exit = await LambdaRuntime.RunAsync<KinesisEvent, StreamsEventResponse>(
            _ => throw new InvalidOperationException("TABLE_NAME is not set"),
            LambdaEventsJsonContext.Default.KinesisEvent,
            LambdaEventsJsonContext.Default.StreamsEventResponse,
            Options(5),
            _timeout.Token);

        Assert.NotEqual(0, exit);
        Assert.Equal(LambdaRuntime.InitFailedExitCode, exit);
        var post = Assert.Single(_api.Posts);
        Assert.Equal("init-error", post.Kind);
        Assert.Equal("Runtime.InvalidOperationException", post.ErrorType);
        using var error = JsonDocument.Parse(post.Body);
        Assert.Equal("TABLE_NAME is not set", error.RootElement.GetProperty("errorMessage").GetString());
        Assert.Equal("InvalidOperationException", error.RootElement.GetProperty("errorType").GetString());
        Assert.Equal(0, _api.NextCalls);
    }

    [Fact]
    public async Task RunAsync_TwoInvocationsInARow_AnswersEachWithItsOwnOutputAndTrace()
    {
        _api.Enqueue(new FakeInvocation("req-a", """{"Records":[{"kinesis":{"sequenceNumber":"1","data":"YQ=="}}]}""", InOneHour(), Arn, "Root=1-a"));
        _api.Enqueue(new FakeInvocation("req-b", """{"Records":[{"kinesis":{"sequenceNumber":"2","data":"Yg=="}}]}""", InOneHour(), Arn, null));
        var traces = new List<string?>();
        var inits = 0;

        var exit = await LambdaRuntime.RunAsync(
            _ =>
            {
                inits++;
                return Task.FromResult<LambdaHandler<KinesisEvent, StreamsEventResponse>>((input, context, _) =>
                {
                    traces.Add(Environment.GetEnvironmentVariable("_X_AMZN_TRACE_ID"));
                    return Task.FromResult(new StreamsEventResponse
                    {
                        BatchItemFailures = [new() { ItemIdentifier = context.AwsRequestId + ":" + input.Records[0].Kinesis.SequenceNumber }],
                    });
                });
            },
            LambdaEventsJsonContext.Default.KinesisEvent,
            LambdaEventsJsonContext.Default.StreamsEventResponse,
            Options(2),
            _timeout.Token);

        Assert.Equal(0, exit);
        Assert.Equal(1, inits);
        Assert.Equal(["Root=1-a", null], traces);
        Assert.Equal(
            [
                ("response", "req-a", """{"batchItemFailures":[{"itemIdentifier":"req-a:1"}]}"""),
                ("response", "req-b", """{"batchItemFailures":[{"itemIdentifier":"req-b:2"}]}"""),
            ],
            _api.Posts.Select(p => (p.Kind, p.RequestId, p.Body)).ToArray());
        Assert.Equal(2, _api.NextCalls);
    }

    [Fact]
    public async Task RunAsync_RuntimeApiAddressWithVersionPath_UsesItAsIs()
    {
        _api.Enqueue(new FakeInvocation("req-v", """{"Records":[]}""", InOneHour(), Arn, null));

        var exit = await RunKinesisAsync((_, _, _) => Task.FromResult(new StreamsEventResponse()),
            new LambdaRuntimeOptions { RuntimeApi = new Uri(_api.BaseAddress, "2018-06-01"), HttpClient = _http, MaxInvocations = 1 });

        Assert.Equal(0, exit);
        Assert.Equal("req-v", Assert.Single(_api.Posts).RequestId);
    }

    [Fact]
    public async Task RunAsync_DeadlineAlreadyPassed_HandlerTokenIsCancelled()
    {
        _api.Enqueue(new FakeInvocation("req-late", """{"Records":[]}""", DateTimeOffset.UtcNow.AddMinutes(-1).ToUnixTimeMilliseconds(), Arn, null));
        bool? cancelled = null;
        TimeSpan? remaining = null;

        await RunKinesisAsync((_, context, ct) =>
        {
            cancelled = ct.IsCancellationRequested;
            remaining = context.RemainingTime;
            return Task.FromResult(new StreamsEventResponse());
        }, Options(1));

        Assert.True(cancelled);
        Assert.Equal(TimeSpan.Zero, remaining);
    }

    [Fact]
    public async Task RunAsync_NoRuntimeApiAnywhere_ReturnsNonZeroWithoutCallingInit()
    {
        if (Environment.GetEnvironmentVariable("AWS_LAMBDA_RUNTIME_API") is not null)
        {
            return; // Running inside Lambda: the default is rightly taken from the environment.
        }

        var inits = 0;
        var exit = await LambdaRuntime.RunAsync<KinesisEvent, StreamsEventResponse>(
            _ =>
            {
                inits++;
                throw new InvalidOperationException("must not be called");
            },
            LambdaEventsJsonContext.Default.KinesisEvent,
            LambdaEventsJsonContext.Default.StreamsEventResponse,
            _timeout.Token);

        Assert.Equal(LambdaRuntime.RuntimeApiFailedExitCode, exit);
        Assert.Equal(0, inits);
    }

    [Fact]
    public async Task RunAsync_ApiGatewayTypes_RoundTripThroughTheLoop()
    {
        _api.Enqueue(new FakeInvocation("req-ws", SampleEvents.Read("websocket-connect.json"), InOneHour(), Arn, null));

        var exit = await LambdaRuntime.RunAsync(
            _ => Task.FromResult<LambdaHandler<APIGatewayWebSocketRequest, APIGatewayProxyResponse>>((input, _, _) =>
                Task.FromResult(new APIGatewayProxyResponse { StatusCode = 200, Body = input.RequestContext.ConnectionId })),
            LambdaEventsJsonContext.Default.APIGatewayWebSocketRequest,
            LambdaEventsJsonContext.Default.APIGatewayProxyResponse,
            Options(1),
            _timeout.Token);

        Assert.Equal(0, exit);
        var post = Assert.Single(_api.Posts);
        Assert.Equal("""{"statusCode":200,"body":"L0SM9cOFvHcCIhw=","isBase64Encoded":false}""", post.Body);
    }
}
