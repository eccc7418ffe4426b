using EventPipeline.Bus;
using EventPipeline.Connections;
using EventPipeline.Ingest;
using EventPipeline.Lambda;
using EventPipeline.Lambda.Events;
using EventPipeline.Local.Deploy;
using EventPipeline.Publish;
using EventPipeline.Query;
using EventPipeline.Reminders;
using EventPipeline.Webhook;

namespace EventPipeline.Local.Functions;

/// <summary>
/// The template's functions, each built through its own composition root — the same code its <c>Program.cs</c> runs
/// in AWS — from the environment the template gives it (resolved to local names and endpoints), and hosted as a
/// <see cref="LocalLambda{TRequest, TResponse}"/>. Which root builds a function is read from its
/// <see cref="Topology.PipelineTopology.NameTag"/> tag.
/// </summary>
public sealed class LocalFunctionSet
{
    private readonly Dictionary<string, LocalLambda<APIGatewayHttpApiV2ProxyRequest, APIGatewayHttpApiV2ProxyResponse>> _http = new(StringComparer.Ordinal);
    private readonly Dictionary<string, LocalLambda<APIGatewayWebSocketRequest, APIGatewayProxyResponse>> _webSocket = new(StringComparer.Ordinal);
    private readonly Dictionary<string, LocalLambda<KinesisEvent, StreamsEventResponse>> _kinesis = new(StringComparer.Ordinal);
    private readonly Dictionary<string, LocalLambda<DynamoDBEvent, StreamsEventResponse>> _dynamoDb = new(StringComparer.Ordinal);

    private LocalFunctionSet()
    {
    }

    /// <summary>The Ingest function object (the local counters subscribe to its batches).</summary>
    public IngestFunction? Ingest { get; private set; }

    /// <summary>The Publish function object.</summary>
    public PublishFunction? Publish { get; private set; }

    /// <summary>Every hosted function.</summary>
    public IReadOnlyList<ILocalFunction> All =>
        [.. _http.Values, .. _webSocket.Values, .. _kinesis.Values, .. _dynamoDb.Values];

    /// <summary>The function tagged <paramref name="key"/> (<c>ingest</c>, …).</summary>
    public ILocalFunction ByKey(string key) =>
        All.FirstOrDefault(f => f.Function.Key == key) ?? throw new InvalidOperationException($"no function is tagged '{key}'");

    /// <summary>Builds every function of <paramref name="deployment"/>.</summary>
    public static Task<LocalFunctionSet> CreateAsync(LocalDeployment deployment, TextWriter output, TimeProvider clock, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(deployment);
        return CreateAsync(deployment.Functions, output, clock, cancellationToken);
    }

    /// <summary>Builds <paramref name="functions"/> (the <c>invoke</c> verb builds one).</summary>
    public static async Task<LocalFunctionSet> CreateAsync(IEnumerable<DeployedFunction> functions, TextWriter output, TimeProvider clock, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(functions);
        var set = new LocalFunctionSet();
        foreach (var function in functions)
        {
            var host = FunctionHost.FromVariables(function.Environment, output, clock);
            var json = LambdaEventsJsonContext.Default;
            switch (function.Key)
            {
                case IngestComposition.FunctionKey:
                    set.Ingest = IngestComposition.Create(host);
                    set._kinesis[function.Name] = new(function, set.Ingest.HandleAsync, json.KinesisEvent, json.StreamsEventResponse, clock);
                    break;
                case PublishComposition.FunctionKey:
                    set.Publish = PublishComposition.Create(host);
                    set._dynamoDb[function.Name] = new(function, set.Publish.HandleAsync, json.DynamoDBEvent, json.StreamsEventResponse, clock);
                    break;
                case BusComposition.FunctionKey:
                    set._dynamoDb[function.Name] = new(function, BusComposition.Create(host).HandleAsync, json.DynamoDBEvent, json.StreamsEventResponse, clock);
                    break;
                case ConnectionsComposition.FunctionKey:
                    var connections = await ConnectionsComposition.CreateAsync(host, cancellationToken);
                    set._webSocket[function.Name] = new(function, connections.HandleAsync, json.APIGatewayWebSocketRequest, json.APIGatewayProxyResponse, clock);
                    break;
                case QueryComposition.FunctionKey:
                    set._http[function.Name] = new(function, QueryComposition.Create(host).HandleAsync, json.APIGatewayHttpApiV2ProxyRequest, json.APIGatewayHttpApiV2ProxyResponse, clock);
                    break;
                case WebhookComposition.FunctionKey:
                    set._http[function.Name] = new(function, WebhookComposition.Create(host).HandleAsync, json.APIGatewayHttpApiV2ProxyRequest, json.APIGatewayHttpApiV2ProxyResponse, clock);
                    break;
                case RemindersComposition.FunctionKey:
                    set._http[function.Name] = new(function, RemindersComposition.Create(host).HandleAsync, json.APIGatewayHttpApiV2ProxyRequest, json.APIGatewayHttpApiV2ProxyResponse, clock);
                    break;
                default:
                    throw new InvalidOperationException($"function {function.LogicalId} is tagged '{function.Key}', which no composition root builds.");
            }
        }

        return set;
    }

    /// <summary>An HTTP API function by name.</summary>
    public LocalLambda<APIGatewayHttpApiV2ProxyRequest, APIGatewayHttpApiV2ProxyResponse> Http(string name) => Find(_http, name, "an HTTP API integration");

    /// <summary>A WebSocket API function by name.</summary>
    public LocalLambda<APIGatewayWebSocketRequest, APIGatewayProxyResponse> WebSocket(string name) => Find(_webSocket, name, "a WebSocket API integration");

    /// <summary>A Kinesis event source mapping's function by name.</summary>
    public LocalLambda<KinesisEvent, StreamsEventResponse> Kinesis(string name) => Find(_kinesis, name, "a Kinesis event source mapping");

    /// <summary>A DynamoDB Streams event source mapping's function by name.</summary>
    public LocalLambda<DynamoDBEvent, StreamsEventResponse> DynamoDb(string name) => Find(_dynamoDb, name, "a DynamoDB Streams event source mapping");

    private static T Find<T>(Dictionary<string, T> functions, string name, string role) =>
        functions.TryGetValue(name, out var f) ? f : throw new InvalidOperationException($"function '{name}' is the target of {role}, but it does not handle that event.");
}
