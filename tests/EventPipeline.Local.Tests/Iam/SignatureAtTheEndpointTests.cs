using Amazon.DynamoDBv2;
using Amazon.Runtime;
using EventPipeline.Local.Tests.Integration;

namespace EventPipeline.Local.Tests.Iam;

/// <summary>The local AWS endpoint refuses a request signed with the wrong secret, as AWS does.</summary>
[Collection(LocalStackCollection.Name)]
public sealed class SignatureAtTheEndpointTests(LocalStackFixture fx)
{
    [Fact]
    public async Task AdministratorKeyWithAWrongSecret_InvalidSignature_TheRightSecret_Answered()
    {
        var config = new AmazonDynamoDBConfig { ServiceURL = fx.Stack.Edge.BaseUrl.ToString(), AuthenticationRegion = fx.Stack.Options.Region, MaxErrorRetry = 0 };
        using var forged = new AmazonDynamoDBClient(new BasicAWSCredentials(fx.Stack.Endpoints.AccessKeyId, "not-the-secret"), config);
        using var genuine = new AmazonDynamoDBClient(fx.Stack.AdministratorCredentials, config);

        var ex = await Assert.ThrowsAsync<AmazonDynamoDBException>(() => forged.ListTablesAsync());
        Assert.Equal("InvalidSignatureException", ex.ErrorCode);
        Assert.NotEmpty((await genuine.ListTablesAsync()).TableNames);
    }
}
