using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using System.Web;

namespace EventPipeline.Local.Iam;

/// <summary>
/// Reads which IAM actions and resource ARNs an AWS request needs, per service, as AWS documents them for each
/// operation ("Actions, resources, and condition keys" of the Service Authorization Reference): DynamoDB and DynamoDB
/// Streams, Kinesis, SQS, SSM, SNS, SES v2, Step Functions, EventBridge and the API Gateway management API. Shard
/// iterators name no stream, so the stream each iterator was issued for is remembered from the responses.
/// </summary>
public sealed class ServiceCallReader(string region, string accountId)
{
    private const int MaxRememberedIterators = 100_000;
    private readonly ConcurrentDictionary<string, string> _iteratorStreams = new(StringComparer.Ordinal);

    /// <summary>The IAM view of one request.</summary>
    /// <exception cref="NotSupportedException">The service or operation is not one the local stack authorizes.</exception>
    public ServiceCall Read(string service, string method, string path, string? target, string? contentType, ReadOnlySpan<byte> body, IReadOnlyDictionary<string, string> context)
    {
        switch (service)
        {
            case "dynamodb" when target?.StartsWith("DynamoDBStreams_20120810.", StringComparison.Ordinal) == true:
                return DynamoDbStreams(Operation(target), body, context);
            case "dynamodb":
                return DynamoDb(Operation(target), body, context);
            case "kinesis":
                return Kinesis(Operation(target), body, context);
            case "sqs" when target is not null:
                return Sqs(Operation(target), Json(body), ServiceProtocol.Json, context);
            case "sqs":
                return SqsQuery(body, context);
            case "ssm":
                return Ssm(Operation(target), body, context);
            case "states":
                return Json1(service, "states", Operation(target), body, context, root => Operation(target) switch
                {
                    "StartExecution" or "StartSyncExecution" or "DescribeStateMachine" or "ListExecutions" => [Str(root, "stateMachineArn")],
                    "DescribeExecution" or "StopExecution" or "GetExecutionHistory" => [Str(root, "executionArn")],
                    _ => ["*"],
                });
            case "events":
                return Json1(service, "events", Operation(target), body, context, root => Operation(target) switch
                {
                    "PutEvents" => root.TryGetProperty("Entries", out var entries)
                        ? entries.EnumerateArray().Select(e => BusArn(e.TryGetProperty("EventBusName", out var b) ? b.GetString() : null)).Distinct().ToList()
                        : [BusArn(null)],
                    "PutRule" or "DescribeRule" or "DeleteRule" => [$"arn:aws:events:{region}:{accountId}:rule/{BusPart(root)}{Str(root, "Name")}"],
                    "PutTargets" or "RemoveTargets" or "ListTargetsByRule" => [$"arn:aws:events:{region}:{accountId}:rule/{BusPart(root)}{Str(root, "Rule")}"],
                    _ => ["*"],
                });
            case "sns":
                return Sns(body, context);
            case "ses":
                return SesV2(method, path, body, context);
            case "execute-api":
                return ManageConnections(method, path, context);
            default:
                throw new NotSupportedException($"the local AWS endpoint does not serve '{service}'");
        }
    }

    /// <summary>Remembers that <paramref name="iterator"/> reads <paramref name="streamArn"/> (from a GetShardIterator or GetRecords response).</summary>
    public void RememberIterator(string iterator, string streamArn)
    {
        if (_iteratorStreams.Count > MaxRememberedIterators)
        {
            _iteratorStreams.Clear();
        }

        _iteratorStreams[iterator] = streamArn;
    }

    /// <summary>The stream a shard iterator reads, if it was issued through the edge.</summary>
    public string? StreamOfIterator(string iterator) => _iteratorStreams.TryGetValue(iterator, out var arn) ? arn : null;

    /// <summary>ARN of a DynamoDB table.</summary>
    public string TableArn(string table) => $"arn:aws:dynamodb:{region}:{accountId}:table/{table}";

    /// <summary>ARN of a Kinesis stream.</summary>
    public string StreamArn(string stream) => $"arn:aws:kinesis:{region}:{accountId}:stream/{stream}";

    /// <summary>ARN of an SQS queue from its URL (the last path segment is the queue's name).</summary>
    public string QueueArn(string queueUrl) => $"arn:aws:sqs:{region}:{accountId}:{queueUrl.TrimEnd('/').Split('/')[^1]}";

    private ServiceCall DynamoDb(string operation, ReadOnlySpan<byte> body, IReadOnlyDictionary<string, string> context)
    {
        using var doc = Json(body);
        var root = doc.RootElement;
        var resources = operation switch
        {
            "BatchGetItem" or "BatchWriteItem" => root.GetProperty("RequestItems").EnumerateObject().Select(t => TableArn(t.Name)).ToList(),
            "TransactWriteItems" => root.GetProperty("TransactItems").EnumerateArray()
                .Select(i => i.EnumerateObject().First().Value.GetProperty("TableName").GetString()!).Distinct().Select(TableArn).ToList(),
            "TransactGetItems" => root.GetProperty("TransactItems").EnumerateArray()
                .Select(i => i.GetProperty("Get").GetProperty("TableName").GetString()!).Distinct().Select(TableArn).ToList(),
            "ListTables" or "DescribeLimits" or "DescribeEndpoints" => ["*"],
            ("Query" or "Scan") when root.TryGetProperty("IndexName", out var index) => [$"{TableArn(Str(root, "TableName"))}/index/{index.GetString()}"],
            _ => [TableArn(Str(root, "TableName"))],
        };
        return Call("dynamodb", ServiceProtocol.Json, operation, "dynamodb", resources, context);
    }

    private ServiceCall DynamoDbStreams(string operation, ReadOnlySpan<byte> body, IReadOnlyDictionary<string, string> context)
    {
        using var doc = Json(body);
        var root = doc.RootElement;
        List<string> resources = operation switch
        {
            "ListStreams" => ["*"],
            "GetRecords" => [StreamOfIterator(Str(root, "ShardIterator")) ?? "*"],
            _ => [Str(root, "StreamArn")],
        };
        return Call("dynamodb", ServiceProtocol.Json, operation, "dynamodb", resources, context);
    }

    private ServiceCall Kinesis(string operation, ReadOnlySpan<byte> body, IReadOnlyDictionary<string, string> context)
    {
        using var doc = Json(body);
        var root = doc.RootElement;
        string StreamOf() => root.TryGetProperty("StreamARN", out var arn) && arn.GetString() is { } a ? a : StreamArn(Str(root, "StreamName"));
        List<string> resources = operation switch
        {
            "ListStreams" => ["*"],
            "GetRecords" => [StreamOfIterator(Str(root, "ShardIterator")) ?? "*"],
            "ListShards" when !root.TryGetProperty("StreamName", out _) && !root.TryGetProperty("StreamARN", out _) => ["*"],
            "SubscribeToShard" or "DescribeStreamConsumer" when root.TryGetProperty("ConsumerARN", out var consumer) => [consumer.GetString()!],
            _ => [StreamOf()],
        };
        return Call("kinesis", ServiceProtocol.Json, operation, "kinesis", resources, context);
    }

    private ServiceCall Sqs(string operation, JsonDocument doc, ServiceProtocol protocol, IReadOnlyDictionary<string, string> context)
    {
        using (doc)
        {
            var root = doc.RootElement;
            var resources = operation switch
            {
                "ListQueues" => ["*"],
                "CreateQueue" or "GetQueueUrl" => [$"arn:aws:sqs:{region}:{accountId}:{Str(root, "QueueName")}"],
                _ => new List<string> { QueueArn(Str(root, "QueueUrl")) },
            };
            return SqsCall(protocol, operation, resources, context);
        }
    }

    /// <summary>
    /// SQS authorizes its batch operations by the single ones: SendMessageBatch needs <c>sqs:SendMessage</c>,
    /// DeleteMessageBatch <c>sqs:DeleteMessage</c>, ChangeMessageVisibilityBatch <c>sqs:ChangeMessageVisibility</c>
    /// (no <c>sqs:*Batch</c> permission exists; docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-batch-api-actions.html).
    /// </summary>
    private static ServiceCall SqsCall(ServiceProtocol protocol, string operation, IReadOnlyList<string> resources, IReadOnlyDictionary<string, string> context)
    {
        var permission = operation.EndsWith("Batch", StringComparison.Ordinal) ? operation[..^"Batch".Length] : operation;
        return new ServiceCall("sqs", protocol, operation, resources.Select(r => new AccessRequest("sqs:" + permission, r, context)).ToList());
    }

    private ServiceCall SqsQuery(ReadOnlySpan<byte> body, IReadOnlyDictionary<string, string> context)
    {
        var form = HttpUtility.ParseQueryString(Encoding.UTF8.GetString(body));
        var operation = form["Action"] ?? throw new NotSupportedException("SQS query request without Action");
        var resource = form["QueueUrl"] is { } url ? QueueArn(url) : form["QueueName"] is { } name ? $"arn:aws:sqs:{region}:{accountId}:{name}" : "*";
        return SqsCall(ServiceProtocol.Query, operation, [resource], context);
    }

    private ServiceCall Ssm(string operation, ReadOnlySpan<byte> body, IReadOnlyDictionary<string, string> context)
    {
        using var doc = Json(body);
        var root = doc.RootElement;
        string Parameter(string name) => $"arn:aws:ssm:{region}:{accountId}:parameter/{name.TrimStart('/')}";
        var resources = operation switch
        {
            "GetParameters" or "DeleteParameters" => root.GetProperty("Names").EnumerateArray().Select(n => Parameter(n.GetString()!)).ToList(),
            "GetParametersByPath" => [Parameter(Str(root, "Path"))],
            "DescribeParameters" => ["*"],
            _ => new List<string> { Parameter(Str(root, "Name")) },
        };
        return Call("ssm", ServiceProtocol.Json, operation, "ssm", resources, context);
    }

    private static ServiceCall Sns(ReadOnlySpan<byte> body, IReadOnlyDictionary<string, string> context)
    {
        var form = HttpUtility.ParseQueryString(Encoding.UTF8.GetString(body));
        var operation = form["Action"] ?? throw new NotSupportedException("SNS request without Action");
        // Publishing straight to a phone number has no resource ARN: IAM only accepts "*" for it.
        var resource = form["TopicArn"] ?? form["TargetArn"] ?? "*";
        return Call("sns", ServiceProtocol.Query, operation, "sns", [resource], context);
    }

    private ServiceCall SesV2(string method, string path, ReadOnlySpan<byte> body, IReadOnlyDictionary<string, string> context)
    {
        if (method == "POST" && path.TrimEnd('/').EndsWith("/v2/email/outbound-emails", StringComparison.Ordinal))
        {
            using var doc = Json(body);
            var from = doc.RootElement.TryGetProperty("FromEmailAddress", out var f) ? f.GetString() ?? "" : "";
            // SES authorizes a send against the sending identity (the address; a domain identity covers it too).
            return new ServiceCall("ses", ServiceProtocol.RestJson, "SendEmail",
            [
                new AccessRequest("ses:SendEmail", $"arn:aws:ses:{region}:{accountId}:identity/{from}", context),
            ]);
        }

        throw new NotSupportedException($"the local AWS endpoint authorizes SES v2 SendEmail only, not {method} {path}");
    }

    private ServiceCall ManageConnections(string method, string path, IReadOnlyDictionary<string, string> context)
    {
        // {apiId}/{stage}/@connections/{connectionId}, the path the local management endpoint gives.
        var parts = path.Trim('/').Split('/');
        if (parts.Length != 4 || parts[2] != "@connections")
        {
            throw new NotSupportedException($"execute-api path '{path}' is not /{{apiId}}/{{stage}}/@connections/{{id}}");
        }

        var operation = method switch { "POST" => "PostToConnection", "DELETE" => "DeleteConnection", _ => "GetConnection" };
        return new ServiceCall("execute-api", ServiceProtocol.RestJson, operation,
        [
            new AccessRequest("execute-api:ManageConnections", $"arn:aws:execute-api:{region}:{accountId}:{parts[0]}/{parts[1]}/{method}/@connections/{parts[3]}", context),
        ]);
    }

    private static ServiceCall Json1(string service, string prefix, string operation, ReadOnlySpan<byte> body, IReadOnlyDictionary<string, string> context, Func<JsonElement, IReadOnlyList<string>> resources)
    {
        using var doc = Json(body);
        return Call(service, ServiceProtocol.Json, operation, prefix, resources(doc.RootElement), context);
    }

    private string BusArn(string? name) =>
        name is { } n && n.StartsWith("arn:", StringComparison.Ordinal) ? n : $"arn:aws:events:{region}:{accountId}:event-bus/{name ?? "default"}";

    private static string BusPart(JsonElement root) =>
        root.TryGetProperty("EventBusName", out var bus) && bus.GetString() is { Length: > 0 } b && b != "default" ? b.Split('/')[^1] + "/" : "";

    private static ServiceCall Call(string service, ServiceProtocol protocol, string operation, string prefix, IReadOnlyList<string> resources, IReadOnlyDictionary<string, string> context) =>
        new(service, protocol, operation, resources.Select(r => new AccessRequest($"{prefix}:{operation}", r, context)).ToList());

    private static string Operation(string? target) =>
        target is { } t && t.LastIndexOf('.') is var dot and > 0 ? t[(dot + 1)..] : throw new NotSupportedException("JSON request without X-Amz-Target");

    private static JsonDocument Json(ReadOnlySpan<byte> body) => JsonDocument.Parse(body.Length == 0 ? "{}"u8.ToArray() : body.ToArray());

    private static string Str(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.GetString() is { } s ? s : throw new NotSupportedException($"request has no '{name}'");
}
