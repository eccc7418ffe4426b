using System.Text.Json.Nodes;
using EventPipeline.Aws.Clients;
using EventPipeline.StepFunctions.Local.Clients;
using EventPipeline.StepFunctions.Local.Tests.Support;

namespace EventPipeline.StepFunctions.Local.Tests.Clients;

[Collection(MotoCollection.Name)]
public sealed class DynamoDbJsonClientTests(MotoServer moto)
{
    [MotoFact]
    public async Task GetItemAsync_ProjectionOfADocumentPath_ReturnsOnlyThatPathNested()
    {
        using var dynamo = new DynamoDbJsonClient(moto.Endpoint, MotoServer.ClientConfig, moto.Http);
        var table = await MotoTables.CreateAggregatesAsync(dynamo);
        await MotoTables.PutEntityAsync(dynamo, table, "status", "open");

        var response = await dynamo.SendAsync("GetItem", JsonNode.Parse($$$"""
            {"TableName":"{{{table}}}","Key":{"pk":{"S":"T#acme#E#ticket"},"sk":{"S":"T-1"}},
             "ProjectionExpression":"attrs.#a.v","ExpressionAttributeNames":{"#a":"status"},"ConsistentRead":true}
            """)!.AsObject(), CancellationToken.None);

        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"Item":{"attrs":{"M":{"status":{"M":{"v":{"S":"open"}}}}}}}"""), response), response.ToJsonString());
    }

    [MotoFact]
    public async Task SendAsync_UnknownTable_ThrowsResourceNotFoundException()
    {
        using var dynamo = new DynamoDbJsonClient(moto.Endpoint, MotoServer.ClientConfig, moto.Http);

        var e = await Assert.ThrowsAsync<AwsServiceException>(() => dynamo.SendAsync("GetItem", JsonNode.Parse("""
            {"TableName":"no-such-table","Key":{"pk":{"S":"a"},"sk":{"S":"b"}}}
            """)!.AsObject(), CancellationToken.None));

        Assert.Equal("ResourceNotFoundException", e.ErrorCode);
    }
}
