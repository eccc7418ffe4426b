using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using EventPipeline.Aws.Clients;
using EventPipeline.Local.Tests.Contract;
using EventPipeline.Topology;

namespace EventPipeline.Local.Tests.Integration;

/// <summary>
/// Starts the local stack once for every integration test: deployed from the synthesized templates onto real
/// kinesis-mock, DynamoDB Local and moto on free ports, every AWS call IAM-checked, the functions in-process. Set
/// <c>EVENTPIPELINE_TEST_KINESIS_ENDPOINT</c>, <c>EVENTPIPELINE_TEST_DYNAMODB_ENDPOINT</c> and
/// <c>EVENTPIPELINE_TEST_MOTO_ENDPOINT</c> to run against emulators that are already running instead. Tests isolate
/// themselves by tenant (<see cref="NewTenant"/>), so they can share one stack.
/// </summary>
public sealed class LocalStackFixture : IAsyncLifetime
{
    public const string KinesisVariable = "EVENTPIPELINE_TEST_KINESIS_ENDPOINT";
    public const string DynamoDbVariable = "EVENTPIPELINE_TEST_DYNAMODB_ENDPOINT";
    public const string MotoVariable = "EVENTPIPELINE_TEST_MOTO_ENDPOINT";

    private readonly StringBuilder _log = new();

    public LocalStack Stack { get; private set; } = null!;

    /// <summary>The HTTP API and the stack's own routes; every HTTP API response is checked against docs/api/openapi.json.</summary>
    public HttpClient Http { get; } = new(new ContractCheckingHandler(ApiContract.Current)) { Timeout = TimeSpan.FromSeconds(30) };

    public IKinesisClient Kinesis => Stack.Aws.Kinesis;

    /// <summary>The stack's progress and diagnostic messages so far (poller retries, denied calls, failures).</summary>
    public string LogText
    {
        get
        {
            lock (_log)
            {
                return _log.ToString();
            }
        }
    }

    /// <summary>The stack's HS256 token key, so token tests can sign tokens valid in every respect but the one under test.</summary>
    public string SigningKey { get; } = Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));

    /// <summary>The LocalStack container the suite runs against, when asked for and Docker answers.</summary>
    public Testcontainers.LocalStack.LocalStackContainer? Container { get; private set; }

    public async Task InitializeAsync()
    {
        if (LocalStackContainerMode.SkipReason is null)
        {
            (Container, var endpoint) = await LocalStackContainerMode.StartAsync();
            Stack = await LocalStack.StartAsync(Options(endpoint, endpoint, endpoint), CancellationToken.None);
        }
        else
        {
            Stack = await LocalStack.StartAsync(Options(), CancellationToken.None);
        }

        Http.BaseAddress = new Uri(Stack.Endpoints.RestUrl + "/");
    }

    /// <summary>Stack options for this run: free ports, or external emulators from the environment.</summary>
    public LocalStackOptions Options(Uri? kinesis = null, Uri? dynamo = null, Uri? moto = null)
    {
        kinesis ??= Environment.GetEnvironmentVariable(KinesisVariable) is { Length: > 0 } k ? new Uri(k) : null;
        dynamo ??= Environment.GetEnvironmentVariable(DynamoDbVariable) is { Length: > 0 } d ? new Uri(d) : null;
        moto ??= Environment.GetEnvironmentVariable(MotoVariable) is { Length: > 0 } m ? new Uri(m) : null;
        return new LocalStackOptions
        {
            GatewayPort = 0,
            AwsPort = 0,
            KinesisPort = 0,
            DynamoDbPort = 0,
            MotoPort = 0,
            InMemory = true,
            ExternalKinesisEndpoint = kinesis,
            ExternalDynamoDbEndpoint = dynamo,
            ExternalMotoEndpoint = moto,
            WriteEndpointsFile = false,
            JwtKey = SigningKey,
            WorkflowTimeScale = 0.001,
            // The template's semantics, without waiting to fill batches: tests run one after another.
            BatchingWindowOverride = 0,
            // Idle shards read every 100 ms instead of Lambda's once a second (Kinesis) and 4 times a second (DynamoDB Streams).
            PollIntervalOverride = TimeSpan.FromMilliseconds(100),
            FunctionOutput = TextWriter.Null,
            Log = m => { lock (_log) { _log.AppendLine(m); } },
        };
    }

    public async Task DisposeAsync()
    {
        Http.Dispose();
        if (Stack is not null)
        {
            await Stack.DisposeAsync();
        }

        if (Container is not null)
        {
            await Container.DisposeAsync();
        }
    }

    /// <summary>A tenant no other test uses.</summary>
    public static string NewTenant(string prefix = "t") => $"{prefix}{Guid.NewGuid():N}"[..Math.Min(32, prefix.Length + 24)];

    /// <summary>GET with a bearer token.</summary>
    public async Task<(int Status, JsonElement Body)> GetAsync(string path, string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path.TrimStart('/'));
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        using var response = await Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        using var doc = JsonDocument.Parse(text.Length == 0 ? "null" : text);
        return ((int)response.StatusCode, doc.RootElement.Clone());
    }

    /// <summary>Polls <paramref name="probe"/> until it returns a value, or fails after <paramref name="timeout"/> naming <paramref name="what"/>.</summary>
    public static async Task<T> EventuallyAsync<T>(Func<Task<T?>> probe, string what, TimeSpan? timeout = null)
        where T : class
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        while (true)
        {
            if (await probe() is { } value)
            {
                return value;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"timed out waiting for {what}");
            }

            await Task.Delay(100);
        }
    }

    /// <summary>A structured CloudEvent for <paramref name="tenant"/>, as a producer would put it on the stream.</summary>
    public static byte[] CloudEvent(string tenant, string id, string subject, string type = "order.created", string? time = null, string data = """{"amount":10,"status":"new"}""") =>
        Encoding.UTF8.GetBytes($$"""{"specversion":"1.0","id":"{{id}}","source":"/tests","type":"{{type}}","time":"{{time ?? DateTimeOffset.UtcNow.ToString("O")}}","subject":"{{subject}}","tenant":"{{tenant}}","data":{{data}}}""");

    /// <summary>
    /// Opens a WebSocket with <paramref name="token"/> and collects every message, each checked against
    /// docs/api/asyncapi.json unless <paramref name="checkFrames"/> is false (tests of the gateway that post frames of
    /// their own through <c>@connections</c>).
    /// </summary>
    public async Task<TestSocket> ConnectAsync(string? token, bool checkFrames = true)
    {
        var socket = new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;
        var url = new Uri(Stack.Endpoints.WebSocketUrl + (token is null ? "" : "?token=" + Uri.EscapeDataString(token)));
        await socket.ConnectAsync(url, CancellationToken.None);
        return new TestSocket(socket, checkFrames);
    }

    /// <summary>The HTTP status a WebSocket upgrade with <paramref name="token"/> is refused with (0 when accepted).</summary>
    public async Task<int> ConnectStatusAsync(string? token, string? origin = null)
    {
        using var socket = new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;
        if (origin is not null)
        {
            socket.Options.SetRequestHeader("Origin", origin);
        }

        var url = new Uri(Stack.Endpoints.WebSocketUrl + (token is null ? "" : "?token=" + Uri.EscapeDataString(token)));
        try
        {
            await socket.ConnectAsync(url, CancellationToken.None);
            await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "", CancellationToken.None);
            return 0;
        }
        catch (WebSocketException)
        {
            return (int)socket.HttpStatusCode;
        }
    }
}

[CollectionDefinition(Name)]
public sealed class LocalStackCollection : ICollectionFixture<LocalStackFixture>
{
    public const string Name = "local stack";
}

/// <summary>
/// A WebSocket client that records every message it receives, and checks each against docs/api/asyncapi.json: a frame
/// that is not a documented server message fails the test when the socket is disposed.
/// </summary>
public sealed class TestSocket : IAsyncDisposable
{
    private readonly ClientWebSocket _socket;
    private readonly List<JsonElement> _messages = [];
    private readonly List<string> _violations = [];
    private readonly Task _receive;
    private readonly SemaphoreSlim _arrived = new(0);

    private readonly bool _checkFrames;

    public TestSocket(ClientWebSocket socket, bool checkFrames = true)
    {
        _socket = socket;
        _checkFrames = checkFrames;
        _receive = Task.Run(ReceiveLoopAsync);
    }

    public IReadOnlyList<JsonElement> Messages
    {
        get
        {
            lock (_messages)
            {
                return [.. _messages];
            }
        }
    }

    public WebSocketState State => _socket.State;

    /// <summary>How the frames received so far differ from docs/api/asyncapi.json (empty: every one as documented).</summary>
    public IReadOnlyList<string> ContractViolations
    {
        get
        {
            lock (_messages)
            {
                return [.. _violations];
            }
        }
    }

    public Task SendAsync(string json) =>
        _socket.SendAsync(Encoding.UTF8.GetBytes(json), WebSocketMessageType.Text, true, CancellationToken.None);

    /// <summary>Sends one text message split into frames of at most <paramref name="frameBytes"/> bytes.</summary>
    public async Task SendInFramesAsync(string json, int frameBytes)
    {
        var message = Encoding.UTF8.GetBytes(json);
        for (var offset = 0; offset < message.Length; offset += frameBytes)
        {
            var end = Math.Min(message.Length, offset + frameBytes);
            await _socket.SendAsync(message.AsMemory(offset, end - offset), WebSocketMessageType.Text, end == message.Length, CancellationToken.None);
        }
    }

    /// <summary>Subscribes and waits for the acknowledgement.</summary>
    public async Task<JsonElement> SubscribeAsync(string channel, long? since = null)
    {
        await SendAsync(since is null
            ? JsonSerializer.Serialize(new Dictionary<string, object> { ["action"] = "subscribe", ["channel"] = channel })
            : JsonSerializer.Serialize(new Dictionary<string, object> { ["action"] = "subscribe", ["channel"] = channel, ["since"] = since.Value }));
        return await WaitForAsync(m => Is(m, "subscribed") && m.GetProperty("channel").GetString() == channel, $"subscribed to {channel}");
    }

    /// <summary>Waits for a message matching <paramref name="predicate"/>.</summary>
    public async Task<JsonElement> WaitForAsync(Func<JsonElement, bool> predicate, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        while (true)
        {
            var match = Messages.FirstOrDefault(predicate);
            if (match.ValueKind != JsonValueKind.Undefined)
            {
                return match;
            }

            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero)
            {
                throw new TimeoutException($"no WebSocket message: {what}; got {Messages.Count}: {string.Join(" | ", Messages.Select(m => m.GetRawText()).TakeLast(5))}");
            }

            await _arrived.WaitAsync(left < TimeSpan.FromMilliseconds(200) ? left : TimeSpan.FromMilliseconds(200));
        }
    }

    public static bool Is(JsonElement m, string type) => m.TryGetProperty("type", out var t) && t.GetString() == type;

    /// <summary>Pushes of <paramref name="channel"/>.</summary>
    public IReadOnlyList<JsonElement> Changes(string channel) =>
        Messages.Where(m => Is(m, "change") && m.GetProperty("channel").GetString() == channel).ToList();

    private async Task ReceiveLoopAsync()
    {
        var buffer = new byte[256 * 1024];
        try
        {
            while (_socket.State == WebSocketState.Open)
            {
                using var ms = new MemoryStream();
                WebSocketReceiveResult r;
                do
                {
                    r = await _socket.ReceiveAsync(buffer, CancellationToken.None);
                    ms.Write(buffer, 0, r.Count);
                }
                while (!r.EndOfMessage && r.MessageType != WebSocketMessageType.Close);

                if (r.MessageType == WebSocketMessageType.Close)
                {
                    break;
                }

                using var doc = JsonDocument.Parse(ms.ToArray());
                var problems = _checkFrames ? ApiContract.Current.CheckFrame(doc.RootElement) : [];
                lock (_messages)
                {
                    _messages.Add(doc.RootElement.Clone());
                    _violations.AddRange(problems);
                }

                _arrived.Release();
            }
        }
        catch (WebSocketException)
        {
        }
        catch (ObjectDisposedException)
        {
        }
    }

    /// <summary>Drops the connection without a close handshake (a client that vanished).</summary>
    public void Abort() => _socket.Abort();

    public async ValueTask DisposeAsync()
    {
        if (_socket.State == WebSocketState.Open)
        {
            try
            {
                await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "bye", CancellationToken.None);
            }
            catch (WebSocketException)
            {
            }
            catch (OperationCanceledException)
            {
            }
        }

        _socket.Dispose();
        await _receive.WaitAsync(TimeSpan.FromSeconds(5)).ContinueWith(_ => { }, TaskScheduler.Default);
        lock (_messages)
        {
            if (_violations.Count > 0)
            {
                throw new ContractViolationException("WebSocket frames not as docs/api/asyncapi.json says:\n" + string.Join("\n", _violations.Distinct()));
            }
        }
    }
}
