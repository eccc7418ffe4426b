namespace EventPipeline.Local.Tests.Integration;

/// <summary>With <c>EVENTPIPELINE_TEST_LOCALSTACK=1</c> and Docker, the shared stack runs on a LocalStack container.</summary>
[Collection(LocalStackCollection.Name)]
public sealed class LocalStackContainerTests(LocalStackFixture fx)
{
    [LocalStackContainerFact]
    public async Task Suite_RunsOnTheLocalStackContainer_AnEventBecomesAnAggregate()
    {
        Assert.NotNull(fx.Container);
        Assert.Null(fx.Stack.Emulators); // no kinesis-mock, DynamoDB Local or moto of our own
        var tenant = LocalStackFixture.NewTenant("ls");
        await fx.Kinesis.PutRecordAsync(fx.Stack.Settings.EventsStream, tenant, LocalStackFixture.CloudEvent(tenant, "ls-1", "order/1"), CancellationToken.None);

        var view = await LocalStackFixture.EventuallyAsync(
            async () => (await fx.GetAsync("aggregates/entities/order/1", fx.Stack.IssueToken(tenant))) is { Status: 200 } r ? r.Body.GetRawText() : null,
            "the entity over REST, from LocalStack's DynamoDB");
        Assert.Contains("\"eventCount\":1", view, StringComparison.Ordinal);
    }
}
