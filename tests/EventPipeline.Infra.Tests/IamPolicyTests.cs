namespace EventPipeline.Infra.Tests;

[Collection(InfraCollection.Name)]
public sealed class IamPolicyTests(InfraFixture fixture)
{
    private static readonly HashSet<string> DynamoDbWrites =
        ["dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem", "dynamodb:BatchWriteItem"];

    [Fact]
    public void Publish_AggregatesTable_HasNoWriteAction()
    {
        var onAggregates = Statements("publish").Where(s => s.Resources.Any(r => r.Contains("AggregatesTable", StringComparison.Ordinal))).ToList();

        Assert.NotEmpty(onAggregates); // the stream read of the event source mapping
        Assert.DoesNotContain(onAggregates.SelectMany(s => s.Actions), DynamoDbWrites.Contains);
    }

    [Fact]
    public void Publish_ManageConnections_ScopedToStagePostAndDelete()
    {
        var statement = Assert.Single(Statements("publish"), s => s.Actions.Contains("execute-api:ManageConnections"));

        Assert.Equal(2, statement.Resources.Count);
        Assert.Contains(statement.Resources, r => r.Contains($"/{InfraNames.WebSocketStageName}/POST/@connections/*", StringComparison.Ordinal));
        Assert.Contains(statement.Resources, r => r.Contains($"/{InfraNames.WebSocketStageName}/DELETE/@connections/*", StringComparison.Ordinal));
    }

    [Fact]
    public void Publish_ConnectionsTable_AllowsWhatRemovingAGoneConnectionCalls()
    {
        // DynamoConnectionStore.RemoveAsync queries the connection's items and deletes them with BatchWriteItem: without
        // it the first 410 Gone fails the whole stream batch with AccessDenied in AWS (and blocks the shard).
        var onConnections = Statements("publish")
            .Where(s => s.Resources.Any(r => r.Contains("ConnectionsTable", StringComparison.Ordinal) && !r.Contains("/index/", StringComparison.Ordinal)))
            .SelectMany(s => s.Actions)
            .ToHashSet(StringComparer.Ordinal);

        Assert.Contains("dynamodb:Query", onConnections);
        Assert.Contains("dynamodb:BatchWriteItem", onConnections);
        Assert.DoesNotContain("dynamodb:PutItem", onConnections);
        Assert.DoesNotContain("dynamodb:UpdateItem", onConnections);
    }

    [Fact]
    public void Connections_ManageConnections_ScopedToStagePostOnly()
    {
        // Every subscribe/unsubscribe/ping answer and the `since` replay is a POST to the caller's own connection.
        var statement = Assert.Single(Statements("connections"), s => s.Actions.Contains("execute-api:ManageConnections"));

        var resource = Assert.Single(statement.Resources);
        Assert.Contains($"/{InfraNames.WebSocketStageName}/POST/@connections/*", resource, StringComparison.Ordinal);
        Assert.Contains(fixture.WebSocketApiId, resource, StringComparison.Ordinal);
    }

    [Fact]
    public void Query_AnyResource_HasReadActionsOnly()
    {
        var actions = Statements("query").SelectMany(s => s.Actions).ToList();

        Assert.NotEmpty(actions);
        Assert.DoesNotContain(actions, DynamoDbWrites.Contains);
        Assert.All(actions, a => Assert.Matches("^dynamodb:(Get|Query|Scan|BatchGet|Describe|ConditionCheck)", a));
    }

    [Fact]
    public void Webhook_Kinesis_OnlyPutRecordsOnEventsStream()
    {
        var statements = Statements("webhook");

        var kinesis = Assert.Single(statements, s => s.Actions.Any(a => a.StartsWith("kinesis:", StringComparison.Ordinal)));
        Assert.Equal(["kinesis:PutRecord", "kinesis:PutRecords"], kinesis.Actions.Order().ToList());
        Assert.Contains("EventsStream", Assert.Single(kinesis.Resources), StringComparison.Ordinal);
        Assert.DoesNotContain(statements.SelectMany(s => s.Actions), a => a.StartsWith("dynamodb:", StringComparison.Ordinal));
    }

    [Fact]
    public void Webhook_Parameters_OnlyUnderWebhookPrefix()
    {
        var ssm = Assert.Single(Statements("webhook"), s => s.Actions.Any(a => a.StartsWith("ssm:", StringComparison.Ordinal)));

        Assert.Equal(["ssm:GetParameter", "ssm:GetParameters"], ssm.Actions.Order().ToList());
        Assert.Contains(":parameter" + InfraNames.WebhookParameterPrefix + "*", Assert.Single(ssm.Resources), StringComparison.Ordinal);
    }

    [Fact]
    public void Reminders_StartExecution_OnlyOnReminderStateMachine()
    {
        var states = Assert.Single(Statements("reminders"), s => s.Actions.Any(a => a.StartsWith("states:", StringComparison.Ordinal)));

        Assert.Equal(["states:StartExecution"], states.Actions);
        Assert.Contains("RemindersStateMachine", Assert.Single(states.Resources), StringComparison.Ordinal);
    }

    [Fact]
    public void StateMachine_Role_QueryOnAggregatesSesAndSnsOnly()
    {
        var statements = Statements("statemachine");

        var dynamo = Assert.Single(statements, s => s.Actions.Any(a => a.StartsWith("dynamodb:", StringComparison.Ordinal)));
        Assert.Equal(["dynamodb:Query"], dynamo.Actions);
        Assert.Contains("AggregatesTable", Assert.Single(dynamo.Resources), StringComparison.Ordinal);
        Assert.Contains(statements, s => s.Actions.SequenceEqual(["ses:SendEmail"]) && s.Resources.All(r => r.Contains(":identity/", StringComparison.Ordinal)));
        Assert.Contains(statements, s => s.Actions.SequenceEqual(["sns:Publish"]));
    }

    [Theory]
    [InlineData("ingest")]
    [InlineData("publish")]
    [InlineData("connections")]
    [InlineData("query")]
    [InlineData("webhook")]
    [InlineData("reminders")]
    public void Function_AnyStatement_HasNoWildcardResourceOrAction(string function)
    {
        var statements = Statements(function);

        Assert.NotEmpty(statements);
        // dynamodb:ListStreams (added by the DynamoDB event source) has no resource-level permissions: AWS requires "*".
        Assert.All(statements.Where(s => !s.Actions.SequenceEqual(["dynamodb:ListStreams"])), s =>
        {
            Assert.DoesNotContain("\"*\"", s.Resources);
            Assert.DoesNotContain(s.Actions, a => a.EndsWith(":*", StringComparison.Ordinal) || a == "*");
        });
    }

    private IReadOnlyList<PolicyStatementView> Statements(string role) => fixture.StatementsOf(fixture.FunctionRoles[role]);
}
