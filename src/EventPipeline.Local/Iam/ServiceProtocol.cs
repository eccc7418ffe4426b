namespace EventPipeline.Local.Iam;

/// <summary>The wire protocol of a service, which decides how an access-denied error looks.</summary>
public enum ServiceProtocol
{
    /// <summary>AWS JSON 1.0/1.1 (<c>X-Amz-Target</c>): DynamoDB, DynamoDB Streams, Kinesis, SQS, SSM, Step Functions, EventBridge.</summary>
    Json,

    /// <summary>Query protocol (form-encoded <c>Action=</c>, XML errors): SNS, and SQS's older clients.</summary>
    Query,

    /// <summary>REST-JSON (path and method name the operation): SES v2, the API Gateway management API.</summary>
    RestJson,
}
