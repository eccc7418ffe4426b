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
    public void FromEnvironment_LocalOverrides_StreamsFollowDynamoDb()
    {
        var endpoints = AwsEndpoints.FromEnvironment(Env(
            ("AWS_DEFAULT_REGION", "us-east-1"),
            (AwsEndpoints.KinesisEndpointVariable, "http://127.0.0.1:4567"),
            (AwsEndpoints.DynamoDbEndpointVariable, "http://127.0.0.1:8000"),
            (AwsEndpoints.WebSocketManagementEndpointVariable, "http://127.0.0.1:3001/local")));

        Assert.Equal("us-east-1", endpoints.Region);
        Assert.Equal(new Uri("http://127.0.0.1:4567"), endpoints.KinesisEndpoint);
        Assert.Equal(new Uri("http://127.0.0.1:8000"), endpoints.DynamoDbStreamsEndpoint);
        Assert.Equal(new Uri("http://127.0.0.1:3001/local"), endpoints.ExecuteApiEndpoint);
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
