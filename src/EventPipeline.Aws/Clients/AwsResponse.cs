namespace EventPipeline.Aws.Clients;

/// <summary>A successful response: status and raw body (empty when the service sent none).</summary>
public readonly record struct AwsResponse(int StatusCode, byte[] Body);
