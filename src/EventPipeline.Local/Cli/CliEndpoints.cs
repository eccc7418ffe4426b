using System.Text.Json;
using System.Text.Json.Serialization;
using Amazon.Runtime;
using EventPipeline.Aws;
using EventPipeline.Aws.Clients;
using EventPipeline.Local.Emulators;

namespace EventPipeline.Local.Cli;

/// <summary>
/// A running local stack as the CLI verbs see it: the fields of <c>.eventpipeline/endpoints.json</c> (written by
/// <c>up</c>, same names as <see cref="LocalEndpoints"/>), loaded with <see cref="LoadAsync"/>; <see cref="CreateClients"/>
/// builds the AWS clients that talk to it.
/// </summary>
public sealed record CliEndpoints(
    string KinesisEndpoint,
    string StreamName,
    string Region,
    string DynamoDbEndpoint,
    string WebSocketUrl,
    string RestUrl,
    string WebhookUrl,
    string DashboardUrl,
    string DemoTenant,
    string DemoToken,
    string AccessKeyId,
    string SecretAccessKey)
{
    /// <summary>The file's path relative to the repository root.</summary>
    public static readonly string RelativePath = Path.Combine(".eventpipeline", "endpoints.json");

    /// <summary>
    /// Reads <c>.eventpipeline/endpoints.json</c> under <paramref name="repoRoot"/> (default: the repository root, found
    /// like the emulator installer finds it). Throws <see cref="CliException"/> with one actionable line when there is no
    /// running stack's file or it cannot be read.
    /// </summary>
    public static Task<CliEndpoints> LoadAsync(string? repoRoot = null, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var root = repoRoot ?? FindRepoRoot();
        var path = Path.Combine(root, RelativePath);
        var e = ReadFile(root);
        if (!IsHttpUrl(e.KinesisEndpoint) || !IsHttpUrl(e.DynamoDbEndpoint) || string.IsNullOrEmpty(e.StreamName) || string.IsNullOrEmpty(e.Region))
        {
            throw new CliException($"endpoints: {path} must hold kinesisEndpoint and dynamoDbEndpoint (http URLs), streamName and region; restart the local stack to rewrite it");
        }

        return Task.FromResult(new CliEndpoints(e.KinesisEndpoint, e.StreamName, e.Region, e.DynamoDbEndpoint, e.WebSocketUrl, e.RestUrl, e.WebhookUrl, e.DashboardUrl, e.DemoTenant, e.DemoToken, e.AccessKeyId, e.SecretAccessKey));
    }

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
    public static LocalEndpoints ReadFile(string repoRoot)
    {
        var path = Path.Combine(repoRoot, RelativePath);
        if (!File.Exists(path))
        {
            throw new CliException($"endpoints: {path}: not found; start the local stack first (dotnet run --project src/EventPipeline.Local)");
        }

        try
        {
            return JsonSerializer.Deserialize(File.ReadAllText(path), LocalJsonContext.Default.LocalEndpoints)
                ?? throw new CliException($"endpoints: {path}: empty; restart the local stack to rewrite it");
        }
        catch (JsonException ex)
        {
            throw new CliException($"endpoints: {path}: not valid JSON ({ex.Message}); restart the local stack to rewrite it");
        }
    }

    /// <summary>Clients for this stack: DynamoDB (Local), Kinesis (kinesis-mock), DynamoDB Streams, and the gateway's <c>@connections</c> API.</summary>
    public AwsClients CreateClients() => AwsClients.Create(new AwsEndpoints
    {
        Region = Region,
        Credentials = new BasicAWSCredentials(AccessKeyId is { Length: > 0 } a ? a : "local", SecretAccessKey is { Length: > 0 } s ? s : "local"),
        Kinesis = new Uri(KinesisEndpoint),
        DynamoDb = new Uri(DynamoDbEndpoint),
        DynamoDbStreams = new Uri(DynamoDbEndpoint),
        ExecuteApi = IsHttpUrl(RestUrl) ? new Uri(RestUrl.TrimEnd('/') + "/") : null,
        // A CLI call should fail fast with one line when the stack is down, not back off for seconds.
        Retry = new AwsRetryOptions { MaxAttempts = 2 },
    });

    private static bool IsHttpUrl(string? value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var u) && (u.Scheme == Uri.UriSchemeHttp || u.Scheme == Uri.UriSchemeHttps);
}

/// <summary>A CLI error a person can act on: the verb prints <c>error: {Message}</c> and exits non-zero.</summary>
public sealed class CliException : Exception
{
    /// <summary>Creates the error.</summary>
    public CliException()
    {
    }

    /// <summary>Creates the error with its one-line message.</summary>
    public CliException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the error with its one-line message and cause.</summary>
    public CliException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
