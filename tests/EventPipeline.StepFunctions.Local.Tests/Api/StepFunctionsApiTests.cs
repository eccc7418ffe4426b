using EventPipeline.StepFunctions.Local.Api;
using static EventPipeline.StepFunctions.Local.Tests.Api.ApiCalls;

namespace EventPipeline.StepFunctions.Local.Tests.Api;

/// <summary>The JSON 1.0 contract of the Step Functions API reference, called through <see cref="StepFunctionsApi.HandleAsync"/>.</summary>
public sealed class StepFunctionsApiTests : IAsyncDisposable
{
    private readonly LocalStateMachine _waiting = Machine(WaitAnHour);
    private readonly LocalStateMachine _succeeding = Machine(Succeed, "arn:aws:states:us-east-1:123456789012:stateMachine:quick");
    private readonly LocalStateMachine _failing = Machine(Fail, "arn:aws:states:us-east-1:123456789012:stateMachine:broken");
    private readonly StepFunctionsApi _api;

    public StepFunctionsApiTests() => _api = new StepFunctionsApi([_waiting, _succeeding, _failing]);

    public async ValueTask DisposeAsync()
    {
        await _waiting.DisposeAsync();
        await _succeeding.DisposeAsync();
        await _failing.DisposeAsync();
    }

    [Fact]
    public async Task StartExecution_NamedRequest_ReturnsExecutionArnUnderTheMachineAndEpochSecondsStartDate()
    {
        var before = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000m;

        var body = await OkAsync(_api, "StartExecution", $$"""{"stateMachineArn":"{{Arn}}","name":"n-1","input":"{\"a\":1}"}""");

        Assert.Equal("arn:aws:states:us-east-1:123456789012:execution:reminders:n-1", body.GetProperty("executionArn").GetString());
        Assert.InRange(body.GetProperty("startDate").GetDecimal(), before, before + 3600);
    }

    [Fact]
    public async Task StartExecution_SameNameSameInputWhileRunning_ReturnsTheSameExecution()
    {
        const string request = $$"""{"stateMachineArn":"{{Arn}}","name":"same","input":"{\"a\":1}"}""";

        var first = await OkAsync(_api, "StartExecution", request);
        var second = await OkAsync(_api, "StartExecution", request);

        Assert.Equal(first.GetProperty("executionArn").GetString(), second.GetProperty("executionArn").GetString());
        Assert.Equal(first.GetProperty("startDate").GetDecimal(), second.GetProperty("startDate").GetDecimal());
        Assert.Single(_waiting.ListExecutions());
    }

    [Fact]
    public async Task StartExecution_SameNameDifferentInput_Is400ExecutionAlreadyExists()
    {
        await OkAsync(_api, "StartExecution", $$"""{"stateMachineArn":"{{Arn}}","name":"same","input":"{\"a\":1}"}""");

        var (status, body) = await CallAsync(_api, "StartExecution", $$"""{"stateMachineArn":"{{Arn}}","name":"same","input":"{\"a\":2}"}""");

        AssertError(status, body, "ExecutionAlreadyExists");
        Assert.Contains("execution:reminders:same", body.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartExecution_SameNameSameInputAfterClose_Is400ExecutionAlreadyExists()
    {
        var request = $$"""{"stateMachineArn":"{{_succeeding.StateMachineArn}}","name":"once","input":"{}"}""";
        var first = await OkAsync(_api, "StartExecution", request);
        await CompletedAsync(_succeeding, first.GetProperty("executionArn").GetString()!);

        var (status, body) = await CallAsync(_api, "StartExecution", request);

        AssertError(status, body, "ExecutionAlreadyExists");
    }

    [Fact]
    public async Task StartExecution_NoName_GetsAGeneratedName()
    {
        var body = await OkAsync(_api, "StartExecution", $$"""{"stateMachineArn":"{{Arn}}"}""");

        var arn = body.GetProperty("executionArn").GetString()!;
        Assert.True(Guid.TryParse(arn[(arn.LastIndexOf(':') + 1)..], out _), arn);
    }

    [Fact]
    public async Task StartExecution_NoInput_RunsWithAnEmptyObject()
    {
        var start = await OkAsync(_api, "StartExecution", $$"""{"stateMachineArn":"{{Arn}}","name":"no-input"}""");

        var described = await OkAsync(_api, "DescribeExecution", $$"""{"executionArn":"{{start.GetProperty("executionArn").GetString()}}"}""");

        Assert.Equal("{}", described.GetProperty("input").GetString());
    }

    [Fact]
    public async Task StartExecution_UnknownStateMachine_Is400StateMachineDoesNotExist()
    {
        var (status, body) = await CallAsync(_api, "StartExecution", """{"stateMachineArn":"arn:aws:states:us-east-1:123456789012:stateMachine:nope"}""");

        AssertError(status, body, "StateMachineDoesNotExist");
    }

    [Theory]
    [InlineData("not-an-arn")]
    [InlineData("arn:aws:states:us-east-1:123456789012:activity:reminders")]
    [InlineData("arn:aws:states:us-east-1:12345:stateMachine:reminders")]
    public async Task StartExecution_MalformedStateMachineArn_Is400InvalidArn(string arn)
    {
        var (status, body) = await CallAsync(_api, "StartExecution", $$"""{"stateMachineArn":"{{arn}}"}""");

        AssertError(status, body, "InvalidArn");
    }

    [Fact]
    public async Task StartExecution_NoStateMachineArn_Is400ValidationException()
    {
        var (status, body) = await CallAsync(_api, "StartExecution", """{"name":"x"}""");

        AssertError(status, body, "ValidationException");
        Assert.Contains("'stateMachineArn'", body.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("has space")]
    [InlineData("a:b")]
    [InlineData("tab\there")]
    [InlineData("brace{")]
    public async Task StartExecution_ForbiddenCharacterInName_Is400InvalidName(string name)
    {
        var (status, body) = await CallAsync(_api, "StartExecution", $$"""{"stateMachineArn":"{{Arn}}","name":"{{name.Replace("\t", "\\t", StringComparison.Ordinal)}}"}""");

        AssertError(status, body, "InvalidName");
    }

    [Fact]
    public async Task StartExecution_NameOf81Characters_Is400ValidationException()
    {
        var (status, body) = await CallAsync(_api, "StartExecution", $$"""{"stateMachineArn":"{{Arn}}","name":"{{new string('n', 81)}}"}""");

        AssertError(status, body, "ValidationException");
    }

    [Fact]
    public async Task StartExecution_InputNotJson_Is400InvalidExecutionInput()
    {
        var (status, body) = await CallAsync(_api, "StartExecution", $$"""{"stateMachineArn":"{{Arn}}","input":"{not json"}""");

        AssertError(status, body, "InvalidExecutionInput");
    }

    [Fact]
    public async Task StartExecution_NameNotAString_Is400SerializationException()
    {
        var (status, body) = await CallAsync(_api, "StartExecution", $$"""{"stateMachineArn":"{{Arn}}","name":5}""");

        AssertError(status, body, "SerializationException");
    }

    [Theory]
    [InlineData("AWSStepFunctions.CreateStateMachine")]
    [InlineData("Kinesis_20131202.PutRecord")]
    [InlineData(null)]
    public async Task HandleAsync_TargetNotServed_Is400UnknownOperation(string? target)
    {
        var answer = await _api.HandleAsync(target, "{}"u8.ToArray(), CancellationToken.None);

        Assert.Equal(400, answer.Status);
        Assert.Contains("\"__type\":\"UnknownOperationException\"", answer.Json, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{not json")]
    [InlineData("[1]")]
    public async Task HandleAsync_BodyNotAJsonObject_Is400SerializationException(string body)
    {
        var (status, json) = await CallAsync(_api, "StartExecution", body);

        AssertError(status, json, "SerializationException");
    }

    [Fact]
    public async Task DescribeExecution_Succeeded_ReportsStatusInputOutputAndStopDate()
    {
        var start = await OkAsync(_api, "StartExecution", $$"""{"stateMachineArn":"{{_succeeding.StateMachineArn}}","name":"d1","input":"{\"x\":1}"}""");
        var arn = start.GetProperty("executionArn").GetString()!;
        await CompletedAsync(_succeeding, arn);

        var body = await OkAsync(_api, "DescribeExecution", $$"""{"executionArn":"{{arn}}"}""");

        Assert.Equal(arn, body.GetProperty("executionArn").GetString());
        Assert.Equal(_succeeding.StateMachineArn, body.GetProperty("stateMachineArn").GetString());
        Assert.Equal("d1", body.GetProperty("name").GetString());
        Assert.Equal("SUCCEEDED", body.GetProperty("status").GetString());
        Assert.Equal("""{"x":1}""", body.GetProperty("input").GetString());
        Assert.Equal("""{"x":1}""", body.GetProperty("output").GetString());
        Assert.True(body.GetProperty("inputDetails").GetProperty("included").GetBoolean());
        Assert.True(body.GetProperty("outputDetails").GetProperty("included").GetBoolean());
        Assert.True(body.GetProperty("stopDate").GetDecimal() >= body.GetProperty("startDate").GetDecimal());
        Assert.False(body.TryGetProperty("error", out _));
    }

    [Fact]
    public async Task DescribeExecution_Failed_ReportsErrorAndCauseWithoutOutput()
    {
        var start = await OkAsync(_api, "StartExecution", $$"""{"stateMachineArn":"{{_failing.StateMachineArn}}","name":"f1"}""");
        var arn = start.GetProperty("executionArn").GetString()!;
        await CompletedAsync(_failing, arn);

        var body = await OkAsync(_api, "DescribeExecution", $$"""{"executionArn":"{{arn}}"}""");

        Assert.Equal("FAILED", body.GetProperty("status").GetString());
        Assert.Equal("Boom", body.GetProperty("error").GetString());
        Assert.Equal("it broke", body.GetProperty("cause").GetString());
        Assert.False(body.TryGetProperty("output", out _));
    }

    [Fact]
    public async Task DescribeExecution_MetadataOnly_LeavesInputOut()
    {
        var start = await OkAsync(_api, "StartExecution", $$"""{"stateMachineArn":"{{Arn}}","name":"meta","input":"{\"secret\":1}"}""");

        var body = await OkAsync(_api, "DescribeExecution", $$"""{"executionArn":"{{start.GetProperty("executionArn").GetString()}}","includedData":"METADATA_ONLY"}""");

        Assert.Equal("RUNNING", body.GetProperty("status").GetString());
        Assert.False(body.TryGetProperty("input", out _));
        Assert.False(body.GetProperty("inputDetails").GetProperty("included").GetBoolean());
        Assert.False(body.TryGetProperty("stopDate", out _));
    }

    [Fact]
    public async Task DescribeExecution_UnknownExecution_Is400ExecutionDoesNotExist()
    {
        var (status, body) = await CallAsync(_api, "DescribeExecution", """{"executionArn":"arn:aws:states:us-east-1:123456789012:execution:reminders:never"}""");

        AssertError(status, body, "ExecutionDoesNotExist");
    }

    [Fact]
    public async Task DescribeExecution_ExecutionOfUnknownMachine_Is400ExecutionDoesNotExist()
    {
        var (status, body) = await CallAsync(_api, "DescribeExecution", """{"executionArn":"arn:aws:states:us-east-1:123456789012:execution:other:never"}""");

        AssertError(status, body, "ExecutionDoesNotExist");
    }

    [Fact]
    public async Task DescribeExecution_StateMachineArnInsteadOfExecutionArn_Is400InvalidArn()
    {
        var (status, body) = await CallAsync(_api, "DescribeExecution", $$"""{"executionArn":"{{Arn}}"}""");

        AssertError(status, body, "InvalidArn");
    }

    [Fact]
    public async Task StopExecution_Running_AbortsWithTheGivenErrorAndCause()
    {
        var start = await OkAsync(_api, "StartExecution", $$"""{"stateMachineArn":"{{Arn}}","name":"stop-me"}""");
        var arn = start.GetProperty("executionArn").GetString()!;

        var stopped = await OkAsync(_api, "StopExecution", $$"""{"executionArn":"{{arn}}","error":"Cancelled","cause":"user asked"}""");
        var described = await OkAsync(_api, "DescribeExecution", $$"""{"executionArn":"{{arn}}"}""");

        Assert.Equal("ABORTED", described.GetProperty("status").GetString());
        Assert.Equal("Cancelled", described.GetProperty("error").GetString());
        Assert.Equal("user asked", described.GetProperty("cause").GetString());
        Assert.Equal(stopped.GetProperty("stopDate").GetDecimal(), described.GetProperty("stopDate").GetDecimal());
        Assert.Equal(ExecutionStatus.Aborted, (await CompletedAsync(_waiting, arn)).Status);
    }

    [Fact]
    public async Task StopExecution_AlreadySucceeded_KeepsItSucceeded()
    {
        var start = await OkAsync(_api, "StartExecution", $$"""{"stateMachineArn":"{{_succeeding.StateMachineArn}}","name":"done"}""");
        var arn = start.GetProperty("executionArn").GetString()!;
        var done = await CompletedAsync(_succeeding, arn);

        var stopped = await OkAsync(_api, "StopExecution", $$"""{"executionArn":"{{arn}}"}""");

        Assert.Equal(done.StopDate!.Value.ToUnixTimeMilliseconds() / 1000m, stopped.GetProperty("stopDate").GetDecimal());
        Assert.Equal("SUCCEEDED", (await OkAsync(_api, "DescribeExecution", $$"""{"executionArn":"{{arn}}"}""")).GetProperty("status").GetString());
    }

    [Fact]
    public async Task StopExecution_UnknownExecution_Is400ExecutionDoesNotExist()
    {
        var (status, body) = await CallAsync(_api, "StopExecution", """{"executionArn":"arn:aws:states:us-east-1:123456789012:execution:reminders:never"}""");

        AssertError(status, body, "ExecutionDoesNotExist");
    }

    [Fact]
    public async Task StopExecution_ErrorLongerThan256_Is400ValidationException()
    {
        var start = await OkAsync(_api, "StartExecution", $$"""{"stateMachineArn":"{{Arn}}","name":"long-error"}""");

        var (status, body) = await CallAsync(_api, "StopExecution", $$"""{"executionArn":"{{start.GetProperty("executionArn").GetString()}}","error":"{{new string('e', 257)}}"}""");

        AssertError(status, body, "ValidationException");
    }

    [Fact]
    public async Task ListExecutions_PagesOfTwo_NewestFirstWithoutOverlapAndNoTokenOnTheLastPage()
    {
        foreach (var name in new[] { "l1", "l2", "l3" })
        {
            await OkAsync(_api, "StartExecution", $$"""{"stateMachineArn":"{{Arn}}","name":"{{name}}"}""");
        }

        var first = await OkAsync(_api, "ListExecutions", $$"""{"stateMachineArn":"{{Arn}}","maxResults":2}""");
        var token = first.GetProperty("nextToken").GetString();
        var second = await OkAsync(_api, "ListExecutions", $$"""{"stateMachineArn":"{{Arn}}","maxResults":2,"nextToken":"{{token}}"}""");

        var names = first.GetProperty("executions").EnumerateArray().Concat(second.GetProperty("executions").EnumerateArray())
            .Select(e => e.GetProperty("name").GetString()).ToList();
        var expected = _waiting.ListExecutions().OrderByDescending(e => e.StartDate).ThenBy(e => e.ExecutionArn, StringComparer.Ordinal).Select(e => e.Name);
        Assert.Equal(expected, names);
        Assert.Equal(3, names.Distinct().Count());
        Assert.False(second.TryGetProperty("nextToken", out _));
        var item = first.GetProperty("executions")[0];
        Assert.Equal(Arn, item.GetProperty("stateMachineArn").GetString());
        Assert.Equal("RUNNING", item.GetProperty("status").GetString());
        Assert.True(item.TryGetProperty("startDate", out _));
    }

    [Fact]
    public async Task ListExecutions_StatusFilter_ListsOnlyThatStatus()
    {
        var running = await OkAsync(_api, "StartExecution", $$"""{"stateMachineArn":"{{Arn}}","name":"keeps-running"}""");
        var stopped = await OkAsync(_api, "StartExecution", $$"""{"stateMachineArn":"{{Arn}}","name":"gets-stopped"}""");
        await OkAsync(_api, "StopExecution", $$"""{"executionArn":"{{stopped.GetProperty("executionArn").GetString()}}"}""");

        var body = await OkAsync(_api, "ListExecutions", $$"""{"stateMachineArn":"{{Arn}}","statusFilter":"RUNNING"}""");

        var only = Assert.Single(body.GetProperty("executions").EnumerateArray());
        Assert.Equal(running.GetProperty("executionArn").GetString(), only.GetProperty("executionArn").GetString());
    }

    [Theory]
    [InlineData("""{"maxResults":1001}""", "ValidationException")]
    [InlineData("""{"maxResults":-1}""", "ValidationException")]
    [InlineData("""{"statusFilter":"DONE"}""", "ValidationException")]
    [InlineData("""{"nextToken":"bm90LWFuLWFybg=="}""", "InvalidToken")]
    [InlineData("""{"nextToken":"%%%"}""", "InvalidToken")]
    public async Task ListExecutions_BadParameter_Is400(string extra, string code)
    {
        var request = extra.Replace("{", $$"""{"stateMachineArn":"{{Arn}}",""", StringComparison.Ordinal);

        var (status, body) = await CallAsync(_api, "ListExecutions", request);

        AssertError(status, body, code);
    }

    [Fact]
    public async Task DescribeStateMachine_Known_ReturnsItsDefinitionRoleTypeAndStatus()
    {
        var body = await OkAsync(_api, "DescribeStateMachine", $$"""{"stateMachineArn":"{{Arn}}"}""");

        Assert.Equal(Arn, body.GetProperty("stateMachineArn").GetString());
        Assert.Equal("reminders", body.GetProperty("name").GetString());
        Assert.Equal(WaitAnHour, body.GetProperty("definition").GetString());
        Assert.Equal("arn:aws:iam::123456789012:role/reminders", body.GetProperty("roleArn").GetString());
        Assert.Equal("STANDARD", body.GetProperty("type").GetString());
        Assert.Equal("ACTIVE", body.GetProperty("status").GetString());
        Assert.True(body.GetProperty("creationDate").GetDecimal() > 0);
    }

    [Fact]
    public async Task DescribeStateMachine_Unknown_Is400StateMachineDoesNotExist()
    {
        var (status, body) = await CallAsync(_api, "DescribeStateMachine", """{"stateMachineArn":"arn:aws:states:us-east-1:123456789012:stateMachine:nope"}""");

        AssertError(status, body, "StateMachineDoesNotExist");
    }

    [Fact]
    public void Constructor_TwoMachinesWithOneArn_Throws()
    {
        Assert.Throws<ArgumentException>(() => new StepFunctionsApi([_waiting, Machine(Succeed)]));
    }
}
