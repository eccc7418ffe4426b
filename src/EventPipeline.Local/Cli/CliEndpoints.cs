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
    public static async Task<CliEndpoints> LoadAsync(string? repoRoot = null, CancellationToken cancellationToken = default)
    {
        string root;
        try
        {
            root = repoRoot ?? EmulatorInstaller.FindRepoRoot();
        }
        catch (EmulatorException ex)
        {
            throw new CliException(ex.Message);
        }

        var path = Path.Combine(root, RelativePath);
        if (!File.Exists(path))
        {
            throw new CliException($"endpoints: {path} does not exist; start the local stack first (dotnet run --project src/EventPipeline.Local)");
        }

        CliEndpoints? endpoints;
        try
        {
            await using var stream = File.OpenRead(path);
            endpoints = await JsonSerializer.DeserializeAsync(stream, CliJsonContext.Default.CliEndpoints, cancellationToken);
        }
        catch (JsonException ex)
        {
            throw new CliException($"endpoints: {path} is not valid JSON ({ex.Message}); restart the local stack to rewrite it");
        }

        if (endpoints is null || !IsHttpUrl(endpoints.KinesisEndpoint) || !IsHttpUrl(endpoints.DynamoDbEndpoint) || string.IsNullOrEmpty(endpoints.StreamName) || string.IsNullOrEmpty(endpoints.Region))
        {
            throw new CliException($"endpoints: {path} must hold kinesisEndpoint and dynamoDbEndpoint (http URLs), streamName and region; restart the local stack to rewrite it");
        }

        return endpoints;
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

[JsonSerializable(typeof(CliEndpoints))]
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
internal sealed partial class CliJsonContext : JsonSerializerContext;
