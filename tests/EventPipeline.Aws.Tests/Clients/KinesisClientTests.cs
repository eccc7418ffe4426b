using System.Text;
using Amazon.Runtime;
using EventPipeline.Aws.Clients;

using EventPipeline.Testing;

namespace EventPipeline.Aws.Tests.Clients;

public sealed class KinesisClientTests : IAsyncLifetime
{
    private FakeAwsServer _server = null!;

    public async Task InitializeAsync() => _server = await FakeAwsServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task PutRecordAsync_Record_SendsSignedJson11WithBase64Data()
    {
        _server.Enqueue(200, """{"ShardId":"shardId-000000000001","SequenceNumber":"4959"}""");
        using var client = new KinesisClient(_server.Endpoints());

        var result = await client.PutRecordAsync("events", "tenant-a", "héllo"u8.ToArray(), CancellationToken.None);

        Assert.Equal(new PutRecordResult("shardId-000000000001", "4959"), result);
        var request = Assert.Single(_server.Requests);
        Assert.Equal("POST", request.Method);
        Assert.Equal("/", request.RawTarget);
        Assert.Equal("Kinesis_20131202.PutRecord", request.Header("X-Amz-Target"));
        Assert.Equal("application/x-amz-json-1.1", request.Header("Content-Type"));
        var body = request.Json();
        Assert.Equal("events", body.GetProperty("StreamName").GetString());
        Assert.Equal("tenant-a", body.GetProperty("PartitionKey").GetString());
        Assert.Equal(Convert.ToBase64String("héllo"u8), body.GetProperty("Data").GetString());
        FakeAwsServer.AssertSignedFor(request, "kinesis");
    }

    [Fact]
    public async Task PutRecordAsync_SessionCredentials_SendsAndSignsSecurityToken()
    {
        _server.Enqueue(200, """{"ShardId":"s","SequenceNumber":"1"}""");
        using var client = new KinesisClient(_server.Endpoints(new SessionAWSCredentials(FakeAwsServer.AccessKey, FakeAwsServer.SecretKey, "tok/en=")));

        await client.PutRecordAsync("events", "k", new byte[] { 1 }, CancellationToken.None);

        var request = Assert.Single(_server.Requests);
        Assert.Equal("tok/en=", request.Header("X-Amz-Security-Token"));
        Assert.Contains("x-amz-security-token", request.Header("Authorization"), StringComparison.Ordinal);
        FakeAwsServer.AssertSignedFor(request, "kinesis", "tok/en=");
    }

    [Fact]
    public async Task PutRecordsAsync_PartialFailure_ReturnsPerRecordResultsInOrder()
    {
        _server.Enqueue(200, """
            {"FailedRecordCount":1,"Records":[
              {"SequenceNumber":"1","ShardId":"shardId-000000000000"},
              {"ErrorCode":"ProvisionedThroughputExceededException","ErrorMessage":"Rate exceeded"}]}
            """);
        using var client = new KinesisClient(_server.Endpoints());

        var result = await client.PutRecordsAsync("events", [new("a", "1"u8.ToArray()), new("b", "2"u8.ToArray())], CancellationToken.None);

        Assert.Equal(1, result.FailedRecordCount);
        Assert.Equal("1", result.Records[0].SequenceNumber);
        Assert.Equal("ProvisionedThroughputExceededException", result.Records[1].ErrorCode);
        var records = Assert.Single(_server.Requests).Json().GetProperty("Records");
        Assert.Equal("b", records[1].GetProperty("PartitionKey").GetString());
        Assert.Equal(Convert.ToBase64String("2"u8), records[1].GetProperty("Data").GetString());
    }

    [Fact]
    public async Task ListShardsAsync_TwoPages_FollowsNextTokenWithoutStreamName()
    {
        _server.Enqueue(200, """{"Shards":[{"ShardId":"shardId-0","SequenceNumberRange":{"StartingSequenceNumber":"10"}}],"NextToken":"page-2"}""");
        _server.Enqueue(200, """{"Shards":[{"ShardId":"shardId-1","SequenceNumberRange":{"StartingSequenceNumber":"20","EndingSequenceNumber":"29"}}]}""");
        using var client = new KinesisClient(_server.Endpoints());

        var shards = await client.ListShardsAsync("events", CancellationToken.None);

        Assert.Equal([new Shard("shardId-0", "10", null), new Shard("shardId-1", "20", "29")], shards);
        var second = _server.Requests[1].Json();
        Assert.Equal("page-2", second.GetProperty("NextToken").GetString());
        Assert.False(second.TryGetProperty("StreamName", out _));
        Assert.Equal("events", _server.Requests[0].Json().GetProperty("StreamName").GetString());
    }

    [Fact]
    public async Task GetRecordsAsync_Response_DecodesDataAndEpochSecondsTimestamp()
    {
        _server.Enqueue(200, $$"""
            {"Records":[{"SequenceNumber":"49590","ApproximateArrivalTimestamp":1.700000000123E9,
              "Data":"{{Convert.ToBase64String(Encoding.UTF8.GetBytes("{\"a\":1}"))}}","PartitionKey":"pk"}],
             "NextShardIterator":"it-2","MillisBehindLatest":42}
            """);
        using var client = new KinesisClient(_server.Endpoints());

        var page = await client.GetRecordsAsync("it-1", 100, CancellationToken.None);

        var record = Assert.Single(page.Records);
        Assert.Equal("49590", record.SequenceNumber);
        Assert.Equal("pk", record.PartitionKey);
        Assert.Equal("{\"a\":1}", Encoding.UTF8.GetString(record.Data));
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_123), record.ApproximateArrivalTimestamp);
        Assert.Equal("it-2", page.NextShardIterator);
        Assert.Equal(42, page.MillisBehindLatest);
        var body = _server.Requests[0].Json();
        Assert.Equal("it-1", body.GetProperty("ShardIterator").GetString());
        Assert.Equal(100, body.GetProperty("Limit").GetInt32());
    }

    [Fact]
    public async Task GetShardIteratorAsync_AfterSequenceNumber_SendsStartingSequenceNumber()
    {
        _server.Enqueue(200, """{"ShardIterator":"it"}""");
        using var client = new KinesisClient(_server.Endpoints());

        var iterator = await client.GetShardIteratorAsync("events", "shardId-0", "AFTER_SEQUENCE_NUMBER", "123", CancellationToken.None);

        Assert.Equal("it", iterator);
        var body = _server.Requests[0].Json();
        Assert.Equal("AFTER_SEQUENCE_NUMBER", body.GetProperty("ShardIteratorType").GetString());
        Assert.Equal("123", body.GetProperty("StartingSequenceNumber").GetString());
    }

    [Fact]
    public async Task DescribeStreamSummaryAsync_Response_MapsSummary()
    {
        _server.Enqueue(200, """{"StreamDescriptionSummary":{"StreamName":"events","StreamARN":"arn:aws:kinesis:eu-west-1:1:stream/events","StreamStatus":"ACTIVE","OpenShardCount":2}}""");
        using var client = new KinesisClient(_server.Endpoints());

        var summary = await client.DescribeStreamSummaryAsync("events", CancellationToken.None);

        Assert.Equal(new StreamSummary("events", "arn:aws:kinesis:eu-west-1:1:stream/events", "ACTIVE", 2), summary);
    }

    [Fact]
    public async Task CreateStreamAsync_EmptyResponseBody_Succeeds()
    {
        _server.Enqueue(200, "");
        using var client = new KinesisClient(_server.Endpoints());

        await client.CreateStreamAsync("events", 2, CancellationToken.None);

        Assert.Equal(2, _server.Requests[0].Json().GetProperty("ShardCount").GetInt32());
    }

    [Fact]
    public async Task PutRecordAsync_ThrottledThenOk_RetriesAndSucceeds()
    {
        _server.Enqueue(400, """{"__type":"ProvisionedThroughputExceededException","message":"Rate exceeded for shard"}""");
        _server.Enqueue(503, """{"__type":"ServiceUnavailable","message":"try later"}""");
        _server.Enqueue(200, """{"ShardId":"s","SequenceNumber":"7"}""");
        using var client = new KinesisClient(_server.Endpoints());

        var result = await client.PutRecordAsync("events", "k", new byte[] { 1 }, CancellationToken.None);

        Assert.Equal("7", result.SequenceNumber);
        Assert.Equal(3, _server.Requests.Count);
        // Each attempt is signed afresh.
        Assert.All(_server.Requests, r => FakeAwsServer.AssertSignedFor(r, "kinesis"));
    }

    [Fact]
    public async Task PutRecordAsync_ThrottledOnEveryAttempt_ThrowsAfterMaxAttempts()
    {
        for (var i = 0; i < 3; i++)
        {
            _server.Enqueue(400, """{"__type":"ProvisionedThroughputExceededException","message":"Rate exceeded"}""");
        }

        using var client = new KinesisClient(_server.Endpoints());

        var error = await Assert.ThrowsAsync<AwsServiceException>(() => client.PutRecordAsync("events", "k", new byte[] { 1 }, CancellationToken.None));

        Assert.Equal("ProvisionedThroughputExceededException", error.ErrorCode);
        Assert.Equal(3, _server.Requests.Count);
    }

    [Fact]
    public async Task PutRecordAsync_ValidationException_ThrowsWithoutRetry()
    {
        _server.Enqueue(400, """{"__type":"com.amazon.coral.validate#ValidationException","message":"1 validation error detected"}""");
        using var client = new KinesisClient(_server.Endpoints());

        var error = await Assert.ThrowsAsync<AwsServiceException>(() => client.PutRecordAsync("events", "k", new byte[] { 1 }, CancellationToken.None));

        Assert.Equal(400, error.StatusCode);
        Assert.Equal("ValidationException", error.ErrorCode);
        Assert.Contains("1 validation error detected", error.Message, StringComparison.Ordinal);
        Assert.Single(_server.Requests);
    }

    [Fact]
    public async Task PutRecordAsync_NothingListening_RetriesThenThrowsTransportError()
    {
        var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        using var client = new KinesisClient(_server.Endpoints() with { Kinesis = new Uri($"http://127.0.0.1:{port}") });

        await Assert.ThrowsAsync<HttpRequestException>(() => client.PutRecordAsync("events", "k", new byte[] { 1 }, CancellationToken.None));
    }

    [Fact]
    public async Task DescribeStreamSummaryAsync_ResourceNotFound_MapsCodeAfterHash()
    {
        _server.Enqueue(400, """{"__type":"com.amazonaws.kinesis.v20131202#ResourceNotFoundException","message":"Stream events under account 1 not found."}""");
        using var client = new KinesisClient(_server.Endpoints());

        var error = await Assert.ThrowsAsync<AwsServiceException>(() => client.DescribeStreamSummaryAsync("events", CancellationToken.None));

        Assert.Equal("ResourceNotFoundException", error.ErrorCode);
        Assert.False(error.IsRetryable);
    }
}
