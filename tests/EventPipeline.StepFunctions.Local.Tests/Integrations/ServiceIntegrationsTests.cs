using System.Text.Json.Nodes;
using EventPipeline.Aws.Clients;
using EventPipeline.StepFunctions.Local.Clients;
using EventPipeline.StepFunctions.Local.Integrations;
using EventPipeline.StepFunctions.Local.Outbox;
using EventPipeline.Workflow;

namespace EventPipeline.StepFunctions.Local.Tests.Integrations;

public class ServiceIntegrationsTests
{
    [Fact]
    public void Handlers_EveryResourceOfTheReminderDefinition_HasAHandler()
    {
        var handlers = ServiceIntegrations.Handlers(new ThrowingDynamoDb(), new InMemoryNotifications(), new InMemoryNotifications());
        var resources = typeof(ReminderWorkflow.Resources).GetFields().Select(f => (string)f.GetValue(null)!).ToList();

        Assert.NotEmpty(resources);
        Assert.All(resources, r => Assert.True(handlers.ContainsKey(r), $"no handler for {r}"));
        Assert.All(resources, r => Assert.Contains($"\"{r}\"", ReminderWorkflow.DefinitionJson, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("MessageRejected", "SesV2.MessageRejectedException")]
    [InlineData("TooManyRequestsException", "SesV2.TooManyRequestsException")]
    public async Task SesSendEmail_ServiceError_IsNamedServiceDotErrorWithExceptionSuffix(string code, string expected)
    {
        var handler = new SesSendEmailHandler(new FailingSes(new AwsServiceException(400, code, "no")));

        var e = await Assert.ThrowsAsync<StatesErrorException>(() => handler.InvokeAsync(Invocation("""
            {"FromEmailAddress":"a@b.c","Destination":{"ToAddresses":["d@e.f"]},"Content":{"Simple":{"Subject":{"Data":"s"},"Body":{"Text":{"Data":"b"}}}}}
            """), CancellationToken.None));

        Assert.Equal(expected, e.Error);
    }

    [Theory]
    [InlineData("""{"Destination":{"ToAddresses":["d@e.f"]},"Content":{"Simple":{"Subject":{"Data":"s"},"Body":{"Text":{"Data":"b"}}}}}""")]
    [InlineData("""{"FromEmailAddress":"a@b.c","Destination":{"ToAddresses":[]},"Content":{"Simple":{"Subject":{"Data":"s"},"Body":{"Text":{"Data":"b"}}}}}""")]
    [InlineData("""{"FromEmailAddress":"a@b.c","Destination":{"ToAddresses":["d@e.f"]},"Content":{"Simple":{"Body":{"Text":{"Data":"b"}}}}}""")]
    [InlineData("""{"FromEmailAddress":"a@b.c","Destination":{"ToAddresses":["d@e.f"]},"Content":{"Simple":{"Subject":{"Data":"s"},"Body":{}}}}""")]
    public async Task SesSendEmail_RequestMissingAField_FailsWithBadRequestAndSendsNothing(string parameters)
    {
        var outbox = new InMemoryNotifications();

        var e = await Assert.ThrowsAsync<StatesErrorException>(() => new SesSendEmailHandler(outbox).InvokeAsync(Invocation(parameters), CancellationToken.None));

        Assert.Equal("SesV2.BadRequestException", e.Error);
        Assert.Empty(await outbox.ReadAllAsync(CancellationToken.None));
    }

    [Fact]
    public async Task SnsPublish_ServiceErrorWithoutSuffix_GetsTheExceptionSuffix()
    {
        var handler = new SnsPublishHandler(new FailingSns(new AwsServiceException(400, "InvalidParameter", "bad number")));

        var e = await Assert.ThrowsAsync<StatesErrorException>(() => handler.InvokeAsync(Invocation("""{"PhoneNumber":"+1","Message":"m"}"""), CancellationToken.None));

        Assert.Equal(("SNS.InvalidParameterException", "InvalidParameter (400): bad number"), (e.Error, e.Cause));
    }

    [Fact]
    public async Task SnsPublish_NoDestination_FailsWithInvalidParameter()
    {
        var e = await Assert.ThrowsAsync<StatesErrorException>(() => new SnsPublishHandler(new InMemoryNotifications()).InvokeAsync(Invocation("""{"Message":"m"}"""), CancellationToken.None));

        Assert.Equal("SNS.InvalidParameterException", e.Error);
    }

    [Fact]
    public async Task DynamoDbTasks_OptimizedAndAwsSdk_NameErrorsAsStepFunctionsDoes()
    {
        var dynamo = new ThrowingDynamoDb();

        var optimized = await Assert.ThrowsAsync<StatesErrorException>(() => DynamoDbTaskHandler.Optimized(dynamo, "GetItem").InvokeAsync(Invocation("{}"), CancellationToken.None));
        var sdk = await Assert.ThrowsAsync<StatesErrorException>(() => DynamoDbTaskHandler.AwsSdk(dynamo, "Query").InvokeAsync(Invocation("{}"), CancellationToken.None));

        Assert.Equal("DynamoDB.ResourceNotFoundException", optimized.Error);
        Assert.Equal("DynamoDb.ResourceNotFoundException", sdk.Error);
    }

    [Fact]
    public async Task DynamoDbTask_Parameters_GoToTheOperationUntouched()
    {
        var dynamo = new EchoDynamoDb();
        var parameters = """{"TableName":"t","Key":{"pk":{"S":"a"}},"ProjectionExpression":"attrs.#a.v","ExpressionAttributeNames":{"#a":"status"}}""";

        var result = await DynamoDbTaskHandler.Optimized(dynamo, "GetItem").InvokeAsync(Invocation(parameters), CancellationToken.None);

        Assert.Equal("GetItem", dynamo.Operation);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(parameters), result));
    }

    private static TaskInvocation Invocation(string parameters) => new("arn:test", JsonNode.Parse(parameters), "arn:aws:states:us-east-1:123456789012:execution:m:e", "T", 1);

    private sealed class FailingSes(Exception error) : ISesV2Client
    {
        public Task<string> SendEmailAsync(SesV2Email email, CancellationToken cancellationToken) => Task.FromException<string>(error);
    }

    private sealed class FailingSns(Exception error) : ISnsClient
    {
        public Task<string> PublishAsync(SnsPublishRequest request, CancellationToken cancellationToken) => Task.FromException<string>(error);
    }

    private sealed class ThrowingDynamoDb : IDynamoDbJsonClient
    {
        public Task<JsonObject> SendAsync(string operation, JsonObject request, CancellationToken cancellationToken) =>
            Task.FromException<JsonObject>(new AwsServiceException(400, "ResourceNotFoundException", "Requested resource not found"));
    }

    private sealed class EchoDynamoDb : IDynamoDbJsonClient
    {
        public string? Operation { get; private set; }

        public Task<JsonObject> SendAsync(string operation, JsonObject request, CancellationToken cancellationToken)
        {
            Operation = operation;
            return Task.FromResult((JsonObject)request.DeepClone());
        }
    }
}
