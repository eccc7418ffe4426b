using System.Text.Json;
using Amazon.Runtime;
using EventPipeline.Aws;
using EventPipeline.Aws.Clients;
using EventPipeline.Local.Cli;
using EventPipeline.Local.Emulators;

namespace EventPipeline.Local;

/// <summary>
/// Where a running local stack can be reached: written by <c>up</c> to <c>.eventpipeline/endpoints.json</c>, read by every
/// CLI verb and by scripts. <see cref="AwsEndpoint"/> is the one AWS endpoint for every service (SigV4-signed; the keys
/// below are the stack's administrator, whom IAM does not restrict; <see cref="AdminToken"/> opens the admin routes).
/// </summary>
public sealed record LocalEndpoints(
    string AwsEndpoint,
    string KinesisEndpoint,
    string StreamName,
    string Region,
    string DynamoDbEndpoint,
    string MotoEndpoint,
    string DeadLetterQueueUrl,
    string WebSocketUrl,
    string RestUrl,
    string WebhookUrl,
    string DashboardUrl,
    string DemoTenant,
    string DemoToken,
    string AccessKeyId,
    string SecretAccessKey,
    string AdminToken)
{
    /// <summary>
    /// What <c>GET /endpoints.json</c> shows anyone who can reach the gateway: the addresses, without the demo token, the
    /// administrator's keys or the admin token (those are only in the file, which only its owner can read).
    /// </summary>
    public LocalEndpoints PublicView() => this with { DemoToken = "", AccessKeyId = "", SecretAccessKey = "", AdminToken = "" };

    /// <summary>A GET of one of the stack's admin routes (<c>/dev/token</c>, <c>/dead-letters</c>, <c>/outbox</c>) with the admin token.</summary>
    public HttpRequestMessage AdminGet(string pathAndQuery)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, new Uri($"{RestUrl.TrimEnd('/')}/{pathAndQuery.TrimStart('/')}"));
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", AdminToken);
        return request;
    }

    /// <summary>The file's path relative to the repository root.</summary>
    public static readonly string RelativePath = Path.Combine(".eventpipeline", "endpoints.json");

    /// <summary>Where EventBridge answers (the local AWS endpoint: rules and targets on moto's EventBridge).</summary>
    public string EventBridgeEndpoint { get; init; } = "";

    /// <summary>The pipeline's event bus.</summary>
    public string EventBusName { get; init; } = "";

    /// <summary>Physical names of the deployed tables, by their topology name (<c>aggregates</c>, …).</summary>
    public IReadOnlyDictionary<string, string> Tables { get; init; } = new Dictionary<string, string>();

    /// <summary>The repository root the local stack writes under (as <c>up</c> finds it), or a <see cref="CliException"/>.</summary>
    public static string FindRepoRoot()
    {
        try
        {
            return EmulatorInstaller.FindRepoRoot();
        }
        catch (EmulatorException ex)
        {
            throw new CliException(ex.Message);
        }
    }

    /// <summary>The one reader of <c>.eventpipeline/endpoints.json</c> under <paramref name="repoRoot"/>; errors are one actionable line.</summary>
    public static LocalEndpoints Load(string? repoRoot = null)
    {
        var path = Path.Combine(repoRoot ?? FindRepoRoot(), RelativePath);
        if (!File.Exists(path))
        {
            throw new CliException($"endpoints: {path}: not found; start the local stack first (dotnet run --project src/EventPipeline.Local)");
        }

        LocalEndpoints? e;
        try
        {
            e = JsonSerializer.Deserialize(File.ReadAllText(path), LocalJsonContext.Default.LocalEndpoints);
        }
        catch (JsonException ex)
        {
            throw new CliException($"endpoints: {path}: not valid JSON ({ex.Message}); restart the local stack to rewrite it");
        }

        if (e is null || !IsHttpUrl(e.AwsEndpoint) || string.IsNullOrEmpty(e.StreamName) || string.IsNullOrEmpty(e.Region))
        {
            throw new CliException($"endpoints: {path} must hold awsEndpoint (an http URL), streamName and region; restart the local stack to rewrite it");
        }

        return e;
    }

    /// <summary>Administrator clients of this stack: every service through <see cref="AwsEndpoint"/>.</summary>
    public AwsClients CreateClients()
    {
        var aws = new Uri(AwsEndpoint);
        return AwsClients.Create(new AwsEndpoints
        {
            Region = Region,
            Credentials = new BasicAWSCredentials(AccessKeyId is { Length: > 0 } a ? a : "local", SecretAccessKey is { Length: > 0 } s ? s : "local"),
            Kinesis = aws,
            DynamoDb = aws,
            DynamoDbStreams = aws,
            Sqs = aws,
            Ssm = aws,
            StepFunctions = aws,
            EventBridge = aws,
            // A CLI call should fail fast with one line when the stack is down, not back off for seconds.
            Retry = new AwsRetryOptions { MaxAttempts = 2 },
        });
    }

    private static bool IsHttpUrl(string? value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var u) && (u.Scheme == Uri.UriSchemeHttp || u.Scheme == Uri.UriSchemeHttps);
}
