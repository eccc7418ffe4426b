using EventPipeline.Aws.Clients;
using EventPipeline.StepFunctions.Local.Clients;

namespace EventPipeline.StepFunctions.Local.Integrations;

/// <summary>
/// The wire clients the task integrations use, built once from <see cref="ServiceIntegrationEndpoints"/>: DynamoDB
/// (JSON 1.0), SES v2 (REST-JSON) and SNS (Query), all SigV4-signed with the state machine's credentials.
/// </summary>
public sealed class ServiceIntegrationClients : IDisposable
{
    private readonly HttpClient? _ownedHttp;

    /// <summary>Clients for <paramref name="endpoints"/>; share <paramref name="httpClient"/> with the rest of the process, or one is created and owned.</summary>
    public ServiceIntegrationClients(ServiceIntegrationEndpoints endpoints, HttpClient? httpClient = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var http = httpClient ?? (_ownedHttp = AwsJsonClient.CreateHttpClient());
        var config = endpoints.ClientConfig();
        DynamoDb = new DynamoDbJsonClient(endpoints.DynamoDbEndpoint, config, http, timeProvider);
        SesV2 = new SesV2Client(endpoints.SesV2Endpoint, config, http, timeProvider);
        Sns = new SnsClient(endpoints.SnsEndpoint, config, http, timeProvider);
    }

    /// <summary>DynamoDB, for <c>dynamodb:*</c> and <c>aws-sdk:dynamodb:*</c> tasks.</summary>
    public DynamoDbJsonClient DynamoDb { get; }

    /// <summary>SES v2, for <c>aws-sdk:sesv2:sendEmail</c> (and the sender identity at start-up).</summary>
    public SesV2Client SesV2 { get; }

    /// <summary>SNS, for <c>sns:publish</c>.</summary>
    public SnsClient Sns { get; }

    /// <inheritdoc />
    public void Dispose()
    {
        DynamoDb.Dispose();
        SesV2.Dispose();
        Sns.Dispose();
        _ownedHttp?.Dispose();
    }
}
