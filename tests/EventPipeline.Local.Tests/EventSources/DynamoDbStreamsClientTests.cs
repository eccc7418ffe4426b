using EventPipeline.Aws.Clients;

using EventPipeline.Local.EventSources;
using EventPipeline.Testing;

namespace EventPipeline.Local.Tests.EventSources;

public sealed class DynamoDbStreamsClientTests : IAsyncLifetime
{
    private FakeAwsServer _server = null!;

    public async Task InitializeAsync() => _server = await FakeAwsServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task GetRecordsAsync_ModifyRecord_MapsToLambdaStreamRecord()
    {
        _server.Enqueue(200, """
            {"Records":[{"eventID":"e1","eventName":"MODIFY","eventVersion":"1.1","eventSource":"aws:dynamodb","awsRegion":"eu-west-1",
              "dynamodb":{"ApproximateCreationDateTime":1.7E9,"Keys":{"pk":{"S":"t#1"},"sk":{"N":"5"}},
                "NewImage":{"pk":{"S":"t#1"},"sk":{"N":"5"},"blob":{"B":"AQI="},"tags":{"SS":["a","b"]},"m":{"M":{"x":{"BOOL":true},"l":{"L":[{"NULL":true}]}}}},
                "OldImage":{"pk":{"S":"t#1"},"sk":{"N":"4"}},
                "SequenceNumber":"300","SizeBytes":64,"StreamViewType":"NEW_AND_OLD_IMAGES"}}],
             "NextShardIterator":"next"}
            """, "application/x-amz-json-1.0");
        using var client = new DynamoDbStreamsClient(_server.Endpoints());

        var page = await client.GetRecordsAsync("it", 50, CancellationToken.None);

        var record = Assert.Single(page.Records);
        Assert.Equal("e1", record.EventId);
        Assert.Equal("MODIFY", record.EventName);
        Assert.Equal("aws:dynamodb", record.EventSource);
        Assert.Equal("eu-west-1", record.AwsRegion);
        Assert.Equal(1.7E9, record.Dynamodb.ApproximateCreationDateTime);
        Assert.Equal("t#1", record.Dynamodb.Keys["pk"].S);
        Assert.Equal("5", record.Dynamodb.Keys["sk"].N);
        Assert.Equal(new byte[] { 1, 2 }, record.Dynamodb.NewImage!["blob"].B);
        Assert.Equal(["a", "b"], record.Dynamodb.NewImage["tags"].SS!);
        Assert.True(record.Dynamodb.NewImage["m"].M!["x"].BOOL);
        Assert.True(record.Dynamodb.NewImage["m"].M!["l"].L![0].NULL);
        Assert.Equal("4", record.Dynamodb.OldImage!["sk"].N);
        Assert.Equal("300", record.Dynamodb.SequenceNumber);
        Assert.Equal(64, record.Dynamodb.SizeBytes);
        Assert.Equal("NEW_AND_OLD_IMAGES", record.Dynamodb.StreamViewType);
        Assert.Equal("next", page.NextShardIterator);

        var request = Assert.Single(_server.Requests);
        Assert.Equal("DynamoDBStreams_20120810.GetRecords", request.Header("X-Amz-Target"));
        Assert.Equal("application/x-amz-json-1.0", request.Header("Content-Type"));
        Assert.Equal(50, request.Json().GetProperty("Limit").GetInt32());
        FakeAwsServer.AssertSignedFor(request, "dynamodb");
    }

    [Fact]
    public async Task GetRecordsAsync_ClosedShard_ReturnsNullIterator()
    {
        _server.Enqueue(200, """{"Records":[]}""", "application/x-amz-json-1.0");
        using var client = new DynamoDbStreamsClient(_server.Endpoints());

        var page = await client.GetRecordsAsync("it", 50, CancellationToken.None);

        Assert.Empty(page.Records);
        Assert.Null(page.NextShardIterator);
    }

    [Fact]
    public async Task DescribeStreamShardsAsync_TwoPages_PagesWithExclusiveStartShardId()
    {
        _server.Enqueue(200, """{"StreamDescription":{"Shards":[{"ShardId":"s-1","SequenceNumberRange":{"StartingSequenceNumber":"1","EndingSequenceNumber":"9"}}],"LastEvaluatedShardId":"s-1"}}""");
        _server.Enqueue(200, """{"StreamDescription":{"Shards":[{"ShardId":"s-2","ParentShardId":"s-1","SequenceNumberRange":{"StartingSequenceNumber":"10"}}]}}""");
        using var client = new DynamoDbStreamsClient(_server.Endpoints());

        var shards = await client.DescribeStreamShardsAsync("arn:stream", CancellationToken.None);

        Assert.Equal([new Shard("s-1", "1", "9"), new Shard("s-2", "10", null)], shards);
        Assert.False(_server.Requests[0].Json().TryGetProperty("ExclusiveStartShardId", out _));
        Assert.Equal("s-1", _server.Requests[1].Json().GetProperty("ExclusiveStartShardId").GetString());
        Assert.Equal("DynamoDBStreams_20120810.DescribeStream", _server.Requests[1].Header("X-Amz-Target"));
    }

    [Fact]
    public async Task ListStreamArnsAsync_Table_SendsTableNameAndReturnsArns()
    {
        _server.Enqueue(200, """{"Streams":[{"StreamArn":"arn:1","TableName":"aggregates","StreamLabel":"2026"}]}""");
        using var client = new DynamoDbStreamsClient(_server.Endpoints());

        var arns = await client.ListStreamArnsAsync("aggregates", CancellationToken.None);

        Assert.Equal(["arn:1"], arns);
        Assert.Equal("aggregates", _server.Requests[0].Json().GetProperty("TableName").GetString());
    }

    [Fact]
    public async Task GetShardIteratorAsync_AtSequence_SendsSequenceNumber()
    {
        _server.Enqueue(200, """{"ShardIterator":"it"}""");
        using var client = new DynamoDbStreamsClient(_server.Endpoints());

        Assert.Equal("it", await client.GetShardIteratorAsync("arn:1", "s-1", "AT_SEQUENCE_NUMBER", "42", CancellationToken.None));

        var body = _server.Requests[0].Json();
        Assert.Equal("arn:1", body.GetProperty("StreamArn").GetString());
        Assert.Equal("42", body.GetProperty("SequenceNumber").GetString());
    }
}
