using System.Text.Json.Nodes;
using EventPipeline.Aws.Clients;

namespace EventPipeline.StepFunctions.Local.Clients;

/// <summary><see cref="IDynamoDbJsonClient"/> over DynamoDB's wire protocol (JSON 1.0, <c>DynamoDB_20120810.{Operation}</c>, signing name <c>dynamodb</c>).</summary>
public sealed class DynamoDbJsonClient : IDynamoDbJsonClient, IDisposable
{
    /// <summary>SigV4 service name of DynamoDB.</summary>
    public const string SigningName = "dynamodb";

    private readonly AwsJsonClient _client;

    /// <summary>Calls <paramref name="endpoint"/> as <paramref name="config"/> says (region, credentials, retries).</summary>
    public DynamoDbJsonClient(Uri endpoint, AwsEndpoints config, HttpClient? httpClient = null, TimeProvider? timeProvider = null)
        => _client = new AwsJsonClient(endpoint, SigningName, config, httpClient, timeProvider);

    /// <inheritdoc />
    public Task<JsonObject> SendAsync(string operation, JsonObject request, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(operation);
        ArgumentNullException.ThrowIfNull(request);
        return _client.SendJsonAsync(
            AwsJsonClient.Json10,
            "DynamoDB_20120810." + operation,
            w => request.WriteTo(w),
            root => JsonNode.Parse(root.GetRawText()) as JsonObject ?? new JsonObject(),
            cancellationToken);
    }

    /// <inheritdoc />
    public void Dispose() => _client.Dispose();
}
