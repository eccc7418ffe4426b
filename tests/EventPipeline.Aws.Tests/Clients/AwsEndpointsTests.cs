using EventPipeline.Aws.Clients;

namespace EventPipeline.Aws.Tests.Clients;

public class AwsEndpointsTests
{
    [Fact]
    public void FromEnvironment_RegionOnly_UsesRegionalEndpoints()
    {
        var endpoints = AwsEndpoints.FromEnvironment(Env(("AWS_REGION", "eu-west-1")));

        Assert.Equal("eu-west-1", endpoints.Region);
        Assert.Equal(new Uri("https://kinesis.eu-west-1.amazonaws.com"), endpoints.KinesisEndpoint);
        Assert.Equal(new Uri("https://streams.dynamodb.eu-west-1.amazonaws.com"), endpoints.DynamoDbStreamsEndpoint);
        Assert.Equal(new Uri("https://states.eu-west-1.amazonaws.com"), endpoints.StepFunctionsEndpoint);
        Assert.Null(endpoints.Credentials);
    }

    [Fact]
    public void FromEnvironment_ServiceOverrides_StreamsFollowDynamoDb()
    {
        var endpoints = AwsEndpoints.FromEnvironment(Env(
            ("AWS_DEFAULT_REGION", "us-east-1"),
            (AwsEndpoints.KinesisEndpointVariable, "http://127.0.0.1:4567"),
            (AwsEndpoints.DynamoDbEndpointVariable, "http://127.0.0.1:8000")));

        Assert.Equal("us-east-1", endpoints.Region);
        Assert.Equal(new Uri("http://127.0.0.1:4567"), endpoints.KinesisEndpoint);
        Assert.Equal(new Uri("http://127.0.0.1:8000"), endpoints.DynamoDbStreamsEndpoint);
    }

    [Fact]
    public void FromEnvironment_GlobalEndpointUrl_AppliesToEveryServiceUnlessOverridden()
    {
        var endpoints = AwsEndpoints.FromEnvironment(Env(
            ("AWS_REGION", "us-east-1"),
            (AwsEndpoints.EndpointUrlVariable, "http://127.0.0.1:4599"),
            (AwsEndpoints.SqsEndpointVariable, "http://127.0.0.1:5000")));

        Assert.Equal(new Uri("http://127.0.0.1:4599"), endpoints.KinesisEndpoint);
        Assert.Equal(new Uri("http://127.0.0.1:4599"), endpoints.DynamoDbEndpoint);
        Assert.Equal(new Uri("http://127.0.0.1:4599"), endpoints.StepFunctionsEndpoint);
        Assert.Equal(new Uri("http://127.0.0.1:4599"), endpoints.Ssm);
        Assert.Equal(new Uri("http://127.0.0.1:5000"), endpoints.Sqs);
    }

    [Fact]
    public void FromEnvironment_ExecutionRoleKeys_AreTheCredentials()
    {
        // Lambda puts the execution role's session credentials in these variables; the local stack gives each function its role's.
        var endpoints = AwsEndpoints.FromEnvironment(Env(
            ("AWS_REGION", "us-east-1"), ("AWS_ACCESS_KEY_ID", "ASIAEXAMPLE"), ("AWS_SECRET_ACCESS_KEY", "secret"), ("AWS_SESSION_TOKEN", "token")));

        var credentials = Assert.IsType<Amazon.Runtime.SessionAWSCredentials>(endpoints.Credentials).GetCredentials();
        Assert.Equal("ASIAEXAMPLE", credentials.AccessKey);
        Assert.Equal("token", credentials.Token);
    }

    [Fact]
    public void FromEnvironment_NoRegion_ThrowsNamingVariable()
    {
        var error = Assert.Throws<InvalidOperationException>(() => AwsEndpoints.FromEnvironment(Env()));

        Assert.Contains("AWS_REGION", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromEnvironment_RelativeEndpoint_ThrowsNamingVariable()
    {
        var error = Assert.Throws<InvalidOperationException>(() => AwsEndpoints.FromEnvironment(Env(("AWS_REGION", "eu-west-1"), (AwsEndpoints.KinesisEndpointVariable, "localhost:4567"))));

        Assert.Contains(AwsEndpoints.KinesisEndpointVariable, error.Message, StringComparison.Ordinal);
    }

    private static Func<string, string?> Env(params (string Name, string Value)[] variables) =>
        name => variables.FirstOrDefault(v => v.Name == name).Value;
}
