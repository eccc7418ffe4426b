using Amazon.Runtime;
using EventPipeline.Aws.Clients;

namespace EventPipeline.StepFunctions.Local.Integrations;

/// <summary>
/// Where and as whom the local executor's task integrations call AWS services: in the local stack, the local AWS
/// endpoint (one URL; it routes by signing name) and the state machine role's credentials, so its IAM checks see
/// the state machine as the caller; in tests, DynamoDB Local or moto directly.
/// </summary>
public sealed record ServiceIntegrationEndpoints
{
    /// <summary>The signing region.</summary>
    public required string Region { get; init; }

    /// <summary>The state machine role's credentials; every task call is signed with them.</summary>
    public required AWSCredentials Credentials { get; init; }

    /// <summary>The endpoint every service is called at unless overridden below.</summary>
    public required Uri Endpoint { get; init; }

    /// <summary>DynamoDB override (e.g. DynamoDB Local while SES and SNS go to moto).</summary>
    public Uri? DynamoDb { get; init; }

    /// <summary>SES (API v2) override.</summary>
    public Uri? SesV2 { get; init; }

    /// <summary>SNS override.</summary>
    public Uri? Sns { get; init; }

    /// <summary>The DynamoDB endpoint to call.</summary>
    public Uri DynamoDbEndpoint => DynamoDb ?? Endpoint;

    /// <summary>The SES v2 endpoint to call.</summary>
    public Uri SesV2Endpoint => SesV2 ?? Endpoint;

    /// <summary>The SNS endpoint to call.</summary>
    public Uri SnsEndpoint => Sns ?? Endpoint;

    /// <summary>
    /// The signed clients' configuration: one attempt per call, because the definition's Retry decides about
    /// retries (intervals, backoff, which errors), as it does for Step Functions' own integrations.
    /// </summary>
    internal AwsEndpoints ClientConfig() => new()
    {
        Region = Region,
        Credentials = Credentials,
        Retry = new AwsRetryOptions { MaxAttempts = 1 },
    };
}
