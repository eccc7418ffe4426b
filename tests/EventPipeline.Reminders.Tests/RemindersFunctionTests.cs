using System.Globalization;
using System.Text.Json.Nodes;
using EventPipeline.Application.Ports;
using EventPipeline.Application.Reminders;
using EventPipeline.Lambda;
using EventPipeline.Lambda.Events;
using EventPipeline.StepFunctions.Local;
using EventPipeline.StepFunctions.Local.Api;
using EventPipeline.StepFunctions.Local.Integrations;
using EventPipeline.StepFunctions.Local.Outbox;
using EventPipeline.Workflow;
using EventPipeline.Aws.Clients;
using EventPipeline.Aws.Reminders;
using EventPipeline.Testing;
using Microsoft.Extensions.Time.Testing;
using static EventPipeline.Reminders.ReminderRequestValidator;

namespace EventPipeline.Reminders.Tests;

public sealed class RemindersFunctionTests : IAsyncDisposable
{
    private const string Arn = "arn:aws:states:us-east-1:000000000000:stateMachine:reminders";
    private static readonly DateTimeOffset Now = DateTimeOffset.UtcNow;

    private readonly InMemoryNotifications _outbox = new();
    private readonly LocalStateMachine _machine;
    private readonly HttpClient _http;
    private readonly StepFunctionsClient _stepFunctions;
    private readonly CountingClient _client;
    private readonly RemindersFunction _function;

    public RemindersFunctionTests()
    {
        var definition = ReminderWorkflow.Render(new Dictionary<string, string>
        {
            [ReminderWorkflow.Placeholders.AggregatesTableName] = "aggregates",
            [ReminderWorkflow.Placeholders.FromEmailAddress] = "from@example.com",
        });
        _machine = new LocalStateMachine(
            definition,
            // SES and SNS in memory; no DynamoDB: these tests look at what the function starts, not at condition checks.
            new Dictionary<string, ITaskHandler>
            {
                [ReminderWorkflow.Resources.SesV2SendEmail] = new SesSendEmailHandler(_outbox),
                [ReminderWorkflow.Resources.SnsPublish] = new SnsPublishHandler(_outbox),
            },
            new LocalStateMachineOptions { StateMachineArn = Arn, TimeScale = 0.001 });
        // The production client over the Step Functions API, in process: the function sees what it sees in AWS.
        _http = new HttpClient(new StepFunctionsApiMessageHandler(new StepFunctionsApi([_machine])));
        _stepFunctions = new StepFunctionsClient(
            new AwsEndpoints { Region = "us-east-1", Credentials = AwsEndpoints.LocalCredentials(), StepFunctions = new Uri("http://states.in-process/") },
            _http);
        _client = new CountingClient(_stepFunctions);
        _function = new RemindersFunction(new ReminderScheduler(new InMemoryIdempotencyStore(), new StepFunctionsWorkflowStarter(_client, Arn)), new FakeTimeProvider(Now));
    }

    public async ValueTask DisposeAsync()
    {
        _stepFunctions.Dispose();
        _http.Dispose();
        await _machine.DisposeAsync();
    }

    [Fact]
    public async Task HandleAsync_ValidEmailReminder_Returns202AndStartsExecution()
    {
        var response = await SendAsync(Valid());

        Assert.Equal(202, response.StatusCode);
        var arn = JsonNode.Parse(response.Body!)!["executionArn"]!.GetValue<string>();
        var input = JsonNode.Parse(_machine.DescribeExecution(arn).Input)!;
        Assert.Equal("acme", input["tenant"]!.GetValue<string>());
        Assert.Equal(60, input["waitSeconds"]!.GetValue<int>());
        Assert.Equal("ops@acme.test", input["email"]!.GetValue<string>());
    }

    [Fact]
    public async Task HandleAsync_ValidSmsReminder_DeliversToOutbox()
    {
        var body = Valid();
        body["preference"] = "sms";

        var response = await SendAsync(body);
        var arn = JsonNode.Parse(response.Body!)!["executionArn"]!.GetValue<string>();
        var done = await _machine.WaitForCompletionAsync(arn, new CancellationTokenSource(TimeSpan.FromSeconds(30)).Token);

        Assert.Equal(ExecutionStatus.Succeeded, done.Status);
        Assert.Equal("+15555550100", Assert.Single(await _outbox.ReadAllAsync(default)).To);
    }

    [Fact]
    public async Task HandleAsync_NoTenantClaim_Returns401()
    {
        var request = Request(Valid());
        request.RequestContext.Authorizer = null;

        var response = await _function.HandleAsync(request, Context(), default);

        Assert.Equal(401, response.StatusCode);
        Assert.Equal(0, _client.Calls);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("[1,2]")]
    [InlineData("")]
    public async Task HandleAsync_BodyNotObject_Returns400Body(string body)
    {
        var request = Request(null);
        request.Body = body;

        var response = await _function.HandleAsync(request, Context(), default);

        AssertErrors(response, (Fields.Body, Rules.Body));
    }

    [Fact]
    public async Task HandleAsync_BothWaitSecondsAndAt_Returns400()
    {
        var body = Valid();
        body["at"] = Now.AddHours(1).ToString("O");

        AssertErrors(await SendAsync(body), (Fields.When, Rules.ExactlyOneWhen));
    }

    [Fact]
    public async Task HandleAsync_NeitherWaitSecondsNorAt_Returns400()
    {
        var body = Valid();
        body.Remove("waitSeconds");

        AssertErrors(await SendAsync(body), (Fields.When, Rules.ExactlyOneWhen));
    }

    [Theory]
    [InlineData("0")]
    [InlineData("31449601")]
    [InlineData("31536000")]
    [InlineData("31536001")]
    [InlineData("1.5")]
    [InlineData("\"60\"")]
    public async Task HandleAsync_WaitSecondsOutOfRange_Returns400(string value)
    {
        var body = Valid();
        body["waitSeconds"] = JsonNode.Parse(value);

        AssertErrors(await SendAsync(body), (Fields.WaitSeconds, Rules.WaitSeconds));
    }

    [Fact]
    public async Task HandleAsync_WaitSecondsOneYearMinusOneDay_Accepted()
    {
        var body = Valid();
        body["waitSeconds"] = 31_449_600;

        Assert.Equal(202, (await SendAsync(body)).StatusCode);
    }

    [Fact]
    public async Task HandleAsync_WaitSecondsOneYear_Returns400BecauseTheExecutionCouldNotFinish()
    {
        // 31,536,000 s is the whole of a Standard execution's one-year maximum: nothing would be left to send.
        var body = Valid();
        body["waitSeconds"] = 31_536_000;

        AssertErrors(await SendAsync(body), (Fields.WaitSeconds, Rules.WaitSeconds));
    }

    [Fact]
    public async Task HandleAsync_AtOneYearMinusOneDayFromNow_Accepted()
    {
        var body = Valid();
        body.Remove("waitSeconds");
        body["at"] = Now.AddSeconds(MaxWaitSeconds).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

        Assert.Equal(202, (await SendAsync(body)).StatusCode);
    }

    [Theory]
    [InlineData(31_449_601)]
    [InlineData(31_536_000)]
    public async Task HandleAsync_AtBeyondOneYearMinusOneDay_Returns400(int secondsFromNow)
    {
        var body = Valid();
        body.Remove("waitSeconds");
        body["at"] = Now.AddSeconds(secondsFromNow).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

        AssertErrors(await SendAsync(body), (Fields.At, Rules.AtWithinYear));
    }

    [Theory]
    [InlineData("tomorrow")]
    [InlineData("2030-01-02T03:04:05")]
    [InlineData("2030-01-02")]
    public async Task HandleAsync_AtNotIsoWithZone_Returns400(string at)
    {
        var body = Valid();
        body.Remove("waitSeconds");
        body["at"] = at;

        AssertErrors(await SendAsync(body), (Fields.At, Rules.AtFormat));
    }

    [Fact]
    public async Task HandleAsync_AtInThePast_Returns400()
    {
        var body = Valid();
        body.Remove("waitSeconds");
        body["at"] = Now.AddMinutes(-1).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

        AssertErrors(await SendAsync(body), (Fields.At, Rules.AtFuture));
    }

    [Fact]
    public async Task HandleAsync_AtBeyondOneYear_Returns400()
    {
        var body = Valid();
        body.Remove("waitSeconds");
        body["at"] = Now.AddDays(366).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

        AssertErrors(await SendAsync(body), (Fields.At, Rules.AtWithinYear));
    }

    [Fact]
    public async Task HandleAsync_AtWithOffset_NormalizedToUtcZ()
    {
        var body = Valid();
        body.Remove("waitSeconds");
        var at = Now.AddHours(2).ToOffset(TimeSpan.FromHours(2));
        body["at"] = at.ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture);

        var response = await SendAsync(body);

        Assert.Equal(202, response.StatusCode);
        var input = JsonNode.Parse(_machine.DescribeExecution(JsonNode.Parse(response.Body!)!["executionArn"]!.GetValue<string>()).Input)!;
        Assert.Equal(at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture), input["at"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("pigeon")]
    [InlineData("EMAIL")]
    public async Task HandleAsync_UnknownPreference_Returns400(string preference)
    {
        var body = Valid();
        body["preference"] = preference;

        AssertErrors(await SendAsync(body), (Fields.Preference, Rules.Preference));
    }

    [Theory]
    [InlineData("no-at-sign")]
    [InlineData("a@b")]
    [InlineData("a b@c.d")]
    [InlineData("a@@c.d")]
    public async Task HandleAsync_BadEmailForEmailPreference_Returns400(string email)
    {
        var body = Valid();
        body["email"] = email;

        AssertErrors(await SendAsync(body), (Fields.Email, Rules.Email));
    }

    [Fact]
    public async Task HandleAsync_BadEmailForSmsPreference_NotChecked()
    {
        var body = Valid();
        body["preference"] = "sms";
        body["email"] = "nonsense";

        Assert.Equal(202, (await SendAsync(body)).StatusCode);
    }

    [Theory]
    [InlineData("5555550100")]
    [InlineData("+1234567")]
    [InlineData("+1234567890123456")]
    [InlineData("+1 555 555 0100")]
    public async Task HandleAsync_BadPhoneForSmsPreference_Returns400(string phone)
    {
        var body = Valid();
        body["preference"] = "sms";
        body["phone"] = phone;

        AssertErrors(await SendAsync(body), (Fields.Phone, Rules.Phone));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(MaxMessageLength + 1)]
    public async Task HandleAsync_MessageLengthOutOfRange_Returns400(int length)
    {
        var body = Valid();
        body["message"] = new string('x', length);

        AssertErrors(await SendAsync(body), (Fields.Message, Rules.Message));
    }

    [Fact]
    public async Task HandleAsync_EntityWithoutCondition_Returns400()
    {
        var body = Valid();
        body["entity"] = new JsonObject { ["kind"] = "ticket", ["id"] = "T-1" };

        AssertErrors(await SendAsync(body), (Fields.Condition, Rules.Together));
    }

    [Fact]
    public async Task HandleAsync_ConditionWithoutEntity_Returns400()
    {
        var body = Valid();
        body["condition"] = new JsonObject { ["attribute"] = "status", ["equals"] = "open" };

        AssertErrors(await SendAsync(body), (Fields.Entity, Rules.Together));
    }

    [Fact]
    public async Task HandleAsync_EntityKindWithHash_Returns400()
    {
        var body = WithCondition(Valid());
        body["entity"]!["kind"] = "a#b";

        AssertErrors(await SendAsync(body), (Fields.EntityKind, Rules.EntityKind));
    }

    [Fact]
    public async Task HandleAsync_EntityAndCondition_PassesKeyAndConditionToWorkflow()
    {
        var response = await SendAsync(WithCondition(Valid()));

        Assert.Equal(202, response.StatusCode);
        var input = JsonNode.Parse(_machine.DescribeExecution(JsonNode.Parse(response.Body!)!["executionArn"]!.GetValue<string>()).Input)!;
        Assert.Equal("T#acme#E#ticket", input["entityKey"]!["pk"]!.GetValue<string>());
        Assert.Equal("T-1", input["entityKey"]!["sk"]!.GetValue<string>());
        Assert.Equal("open", input["condition"]!["equals"]!.GetValue<string>());
    }

    [Fact]
    public async Task HandleAsync_SeveralBrokenFields_ListsEveryOne()
    {
        var body = new JsonObject
        {
            ["waitSeconds"] = 0,
            ["preference"] = "both",
            ["message"] = "",
            ["email"] = "nope",
            ["phone"] = "123",
            ["entity"] = new JsonObject { ["kind"] = "ticket", ["id"] = "T-1" },
        };

        AssertErrors(
            await SendAsync(body),
            (Fields.WaitSeconds, Rules.WaitSeconds),
            (Fields.Message, Rules.Message),
            (Fields.Email, Rules.Email),
            (Fields.Phone, Rules.Phone),
            (Fields.Condition, Rules.Together));
    }

    [Fact]
    public async Task HandleAsync_SameIdempotencyKeyTwice_StartsOneExecutionWithSameArn()
    {
        var first = await SendAsync(Valid(), idempotencyKey: "key-1");
        var second = await SendAsync(Valid(), idempotencyKey: "key-1");

        Assert.Equal(202, first.StatusCode);
        Assert.Equal(202, second.StatusCode);
        Assert.Equal(JsonNode.Parse(first.Body!)!["executionArn"]!.GetValue<string>(), JsonNode.Parse(second.Body!)!["executionArn"]!.GetValue<string>());
        Assert.Single(_machine.ListExecutions());
    }

    [Fact]
    public async Task HandleAsync_SameIdempotencyKeyAfterExecutionClosed_Returns202SameArn()
    {
        var body = Valid();
        body["waitSeconds"] = 1;
        var first = await SendAsync(body, idempotencyKey: "key-2");
        var arn = JsonNode.Parse(first.Body!)!["executionArn"]!.GetValue<string>();
        await _machine.WaitForCompletionAsync(arn, new CancellationTokenSource(TimeSpan.FromSeconds(30)).Token);

        var second = await SendAsync(body, idempotencyKey: "key-2");

        Assert.Equal(202, second.StatusCode);
        Assert.Equal(arn, JsonNode.Parse(second.Body!)!["executionArn"]!.GetValue<string>());
        Assert.Single(_machine.ListExecutions());
    }

    [Fact]
    public async Task HandleAsync_SameIdempotencyKeyDifferentBody_Returns409()
    {
        await SendAsync(Valid(), idempotencyKey: "key-3");
        var other = Valid();
        other["message"] = "something else";

        var response = await SendAsync(other, idempotencyKey: "key-3");

        Assert.Equal(409, response.StatusCode);
        Assert.Single(_machine.ListExecutions());
    }

    [Fact]
    public async Task HandleAsync_SameKeyDifferentTenants_StartTwoExecutions()
    {
        await SendAsync(Valid(), idempotencyKey: "shared", tenant: "acme");
        await SendAsync(Valid(), idempotencyKey: "shared", tenant: "globex");

        Assert.Equal(2, _machine.ListExecutions().Count);
    }

    [Fact]
    public async Task HandleAsync_NoIdempotencyKey_EachRequestStartsItsOwnExecution()
    {
        await SendAsync(Valid());
        await SendAsync(Valid());

        Assert.Equal(2, _machine.ListExecutions().Count);
    }

    [Fact]
    public void FromIdempotencyKey_AnyKey_IsAValidStepFunctionsName()
    {
        var name = ExecutionNames.FromIdempotencyKey("tenant with spaces", "key/with:specials#and a very long tail " + new string('k', 300));

        Assert.InRange(name.Length, 1, 80);
        Assert.Matches("^[a-z0-9-]+$", name);
        Assert.Equal(name, ExecutionNames.FromIdempotencyKey("tenant with spaces", "key/with:specials#and a very long tail " + new string('k', 300)));
    }

    private static JsonObject Valid() => new()
    {
        ["waitSeconds"] = 60,
        ["preference"] = "email",
        ["message"] = "Renew the certificate",
        ["email"] = "ops@acme.test",
        ["phone"] = "+15555550100",
    };

    private static JsonObject WithCondition(JsonObject body)
    {
        body["entity"] = new JsonObject { ["kind"] = "ticket", ["id"] = "T-1" };
        body["condition"] = new JsonObject { ["attribute"] = "status", ["equals"] = "open" };
        return body;
    }

    private Task<APIGatewayHttpApiV2ProxyResponse> SendAsync(JsonObject body, string? idempotencyKey = null, string tenant = "acme")
    {
        var request = Request(body, tenant);
        if (idempotencyKey is not null)
        {
            request.Headers![RemindersFunction.IdempotencyKeyHeader] = idempotencyKey;
        }

        return _function.HandleAsync(request, Context(), default);
    }

    private static APIGatewayHttpApiV2ProxyRequest Request(JsonObject? body, string tenant = "acme") => new()
    {
        RouteKey = "POST /reminders",
        RawPath = "/reminders",
        Headers = new Dictionary<string, string> { ["content-type"] = "application/json" },
        Body = body?.ToJsonString(),
        RequestContext = new APIGatewayHttpApiV2ProxyRequest.ProxyRequestContext
        {
            Http = new APIGatewayHttpApiV2ProxyRequest.HttpDescription { Method = "POST", Path = "/reminders" },
            Authorizer = new APIGatewayHttpApiV2ProxyRequest.AuthorizerDescription
            {
                Jwt = new APIGatewayHttpApiV2ProxyRequest.JwtDescription { Claims = new Dictionary<string, string> { ["tenant"] = tenant } },
            },
        },
    };

    private static LambdaContext Context() => LambdaContext.ForLocal("reminders", TimeSpan.FromSeconds(10));

    private static void AssertErrors(APIGatewayHttpApiV2ProxyResponse response, params (string Field, string Rule)[] expected)
    {
        Assert.Equal(400, response.StatusCode);
        var errors = JsonNode.Parse(response.Body!)!["errors"]!.AsArray()
            .Select(e => (e!["field"]!.GetValue<string>(), e["rule"]!.GetValue<string>()))
            .ToList();
        Assert.Equal(expected.OrderBy(e => e.Field), errors.OrderBy(e => e.Item1));
    }

    private sealed class CountingClient(IStepFunctionsClient inner) : IStepFunctionsClient
    {
        public int Calls { get; private set; }

        public Task<StartExecutionResult> StartExecutionAsync(string stateMachineArn, string name, string inputJson, CancellationToken cancellationToken)
        {
            Calls++;
            return inner.StartExecutionAsync(stateMachineArn, name, inputJson, cancellationToken);
        }
    }
}
