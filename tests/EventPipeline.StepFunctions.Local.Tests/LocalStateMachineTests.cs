using System.Text.Json.Nodes;

namespace EventPipeline.StepFunctions.Local.Tests;

public class LocalStateMachineTests
{
    private static readonly Dictionary<string, ITaskHandler> NoHandlers = [];

    [Fact]
    public async Task Pass_InputPathParametersResultPathOutputPath_ApplyInSpecOrder()
    {
        const string definition = """
            {"StartAt":"P","States":{"P":{"Type":"Pass",
              "InputPath":"$.order",
              "Parameters":{"id.$":"$.id","fixed":1,"exec.$":"$$.Execution.Name","nested":{"qty.$":"$.items[0].qty"}},
              "ResultPath":"$.out.summary",
              "OutputPath":"$.out",
              "End":true}}}
            """;
        var output = await RunAsync(definition, """{"order":{"id":"o-1","items":[{"qty":3}]},"keep":true}""", name: "exec-1");

        Assert.True(JsonNode.DeepEquals(
            JsonNode.Parse("""{"summary":{"id":"o-1","fixed":1,"exec":"exec-1","nested":{"qty":3}}}"""),
            output));
    }

    [Fact]
    public async Task Pass_ResultPathNull_KeepsInputAndDiscardsResult()
    {
        var output = await RunAsync("""{"StartAt":"P","States":{"P":{"Type":"Pass","Result":{"x":1},"ResultPath":null,"End":true}}}""", """{"a":1}""");

        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"a":1}"""), output));
    }

    [Fact]
    public async Task Pass_NoResultPath_ResultReplacesInput()
    {
        var output = await RunAsync("""{"StartAt":"P","States":{"P":{"Type":"Pass","Result":{"x":1},"End":true}}}""", """{"a":1}""");

        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"x":1}"""), output));
    }

    [Fact]
    public async Task Pass_ResultPathIntoExistingObject_MergesField()
    {
        var output = await RunAsync("""{"StartAt":"P","States":{"P":{"Type":"Pass","Result":"r","ResultPath":"$.a.b","End":true}}}""", """{"a":{"c":2}}""");

        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"a":{"c":2,"b":"r"}}"""), output));
    }

    [Fact]
    public async Task Task_ResultSelector_ShapesResultBeforeResultPath()
    {
        var handlers = new Dictionary<string, ITaskHandler> { ["arn:test"] = new EchoHandler() };
        const string definition = """
            {"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:test",
              "Parameters":{"v.$":"$.value"},
              "ResultSelector":{"echoed.$":"$.v"},
              "ResultPath":"$.r","End":true}}}
            """;

        var output = await RunAsync(definition, """{"value":42}""", handlers);

        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"value":42,"r":{"echoed":42}}"""), output));
    }

    [Fact]
    public async Task Parameters_MissingPath_FailsWithStatesRuntime()
    {
        await using var machine = new LocalStateMachine(
            """{"StartAt":"P","States":{"P":{"Type":"Pass","Parameters":{"x.$":"$.nope"},"End":true}}}""", NoHandlers);
        var start = machine.StartExecution("e", "{}");

        var result = await machine.WaitForCompletionAsync(start.ExecutionArn, default);

        Assert.Equal(ExecutionStatus.Failed, result.Status);
        Assert.Equal(StatesErrors.Runtime, result.Error);
    }

    [Theory]
    [InlineData("""{"Variable":"$.n","NumericGreaterThan":5}""", """{"n":7}""", true)]
    [InlineData("""{"Variable":"$.n","NumericLessThanEquals":5}""", """{"n":7}""", false)]
    [InlineData("""{"Variable":"$.n","NumericEqualsPath":"$.m"}""", """{"n":7,"m":7}""", true)]
    [InlineData("""{"Variable":"$.s","StringEquals":"a"}""", """{"s":"a"}""", true)]
    [InlineData("""{"Variable":"$.s","StringEqualsPath":"$.t"}""", """{"s":"a","t":"b"}""", false)]
    [InlineData("""{"Variable":"$.s","StringMatches":"log-*.txt"}""", """{"s":"log-1.txt"}""", true)]
    [InlineData("""{"Variable":"$.s","NumericEquals":1}""", """{"s":"1"}""", false)]
    [InlineData("""{"Variable":"$.b","BooleanEquals":true}""", """{"b":true}""", true)]
    [InlineData("""{"Variable":"$.t","TimestampLessThan":"2030-01-01T00:00:00Z"}""", """{"t":"2025-01-01T00:00:00Z"}""", true)]
    [InlineData("""{"Variable":"$.x","IsPresent":false}""", """{}""", true)]
    [InlineData("""{"Variable":"$.x","IsNull":true}""", """{"x":null}""", true)]
    [InlineData("""{"And":[{"Variable":"$.n","NumericGreaterThan":1},{"Not":{"Variable":"$.n","NumericGreaterThan":5}}]}""", """{"n":3}""", true)]
    [InlineData("""{"Or":[{"Variable":"$.n","NumericEquals":1},{"Variable":"$.n","NumericEquals":2}]}""", """{"n":3}""", false)]
    public void ChoiceRules_Evaluate_ReturnsExpected(string rule, string input, bool expected)
    {
        Assert.Equal(expected, ChoiceRules.Evaluate(JsonNode.Parse(rule)!.AsObject(), JsonNode.Parse(input), null));
    }

    [Fact]
    public void ChoiceRules_ComparisonOnMissingVariable_ThrowsStatesRuntime()
    {
        var e = Assert.Throws<StatesErrorException>(() =>
            ChoiceRules.Evaluate(JsonNode.Parse("""{"Variable":"$.x","StringEquals":"a"}""")!.AsObject(), new JsonObject(), null));

        Assert.Equal(StatesErrors.Runtime, e.Error);
    }

    [Fact]
    public async Task Choice_NoMatchAndNoDefault_FailsWithNoChoiceMatched()
    {
        await using var machine = new LocalStateMachine(
            """{"StartAt":"C","States":{"C":{"Type":"Choice","Choices":[{"Variable":"$.a","IsPresent":true,"Next":"S"}]},"S":{"Type":"Succeed"}}}""", NoHandlers);

        var result = await machine.WaitForCompletionAsync(machine.StartExecution("e", "{}").ExecutionArn, default);

        Assert.Equal(StatesErrors.NoChoiceMatched, result.Error);
    }

    [Fact]
    public async Task ChoiceAndWait_NumbersATaskBuiltFromClrValues_CompareAndWaitLikeParsedOnes()
    {
        // A handler's result made in code ({"Count": 1} from an int) must behave as the same JSON parsed from the wire.
        var handlers = new Dictionary<string, ITaskHandler> { ["arn:test"] = new ClrNumbersHandler() };
        const string definition = """
            {"StartAt":"T","States":{
              "T":{"Type":"Task","Resource":"arn:test","ResultPath":"$.r","Next":"W"},
              "W":{"Type":"Wait","SecondsPath":"$.r.Zero","Next":"C"},
              "C":{"Type":"Choice","Choices":[{"Variable":"$.r.Count","NumericGreaterThan":0,"Next":"Yes"}],"Default":"No"},
              "Yes":{"Type":"Pass","Result":"yes","End":true},
              "No":{"Type":"Pass","Result":"no","End":true}}}
            """;

        var output = await RunAsync(definition, "{}", handlers);

        Assert.Equal("yes", output!.GetValue<string>());
    }

    [Fact]
    public void PayloadTemplate_Intrinsics_Evaluate()
    {
        var input = JsonNode.Parse("""{"a":"x","list":["p","q"],"n":3}""");

        var result = PayloadTemplate.Apply(JsonNode.Parse("""
            {"arr.$":"States.Array($.a, 'lit', 1)",
             "has.$":"States.ArrayContains($.list, 'q')",
             "text.$":"States.Format('{} has {} items', $.a, $.n)",
             "json.$":"States.JsonToString($.list)"}
            """), input, null);

        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""
            {"arr":["x","lit",1],"has":true,"text":"x has 3 items","json":"[\"p\",\"q\"]"}
            """), result));
    }

    [Fact]
    public void JsonPath_Wildcard_ReturnsEveryMatchOrEmptyArray()
    {
        var item = JsonNode.Parse("""{"Item":{"status":{"S":"open"}}}""");

        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""["open"]"""), JsonPath.Parse("$.Item.*.*").Select(item)));
        Assert.True(JsonNode.DeepEquals(new JsonArray(), JsonPath.Parse("$.Other.*").Select(item)));
    }

    [Fact]
    public async Task StartExecution_SameNameSameInputWhileRunning_ReturnsSameExecution()
    {
        await using var machine = new LocalStateMachine(
            """{"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":3600,"End":true}}}""", NoHandlers);

        var first = machine.StartExecution("same", """{"a":1}""");
        var second = machine.StartExecution("same", """{"a":1}""");

        Assert.Equal(first.ExecutionArn, second.ExecutionArn);
        Assert.Single(machine.ListExecutions());
        Assert.Equal(ExecutionStatus.Running, machine.DescribeExecution(first.ExecutionArn).Status);
    }

    [Fact]
    public async Task StartExecution_SameNameDifferentInput_ThrowsExecutionAlreadyExists()
    {
        await using var machine = new LocalStateMachine(
            """{"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":3600,"End":true}}}""", NoHandlers);
        machine.StartExecution("same", """{"a":1}""");

        var e = Assert.Throws<LocalStepFunctionsException>(() => machine.StartExecution("same", """{"a":2}"""));

        Assert.Equal("ExecutionAlreadyExists", e.ErrorCode);
    }

    [Fact]
    public async Task StartExecution_SameNameAfterClose_ThrowsExecutionAlreadyExists()
    {
        await using var machine = new LocalStateMachine("""{"StartAt":"S","States":{"S":{"Type":"Succeed"}}}""", NoHandlers);
        var first = machine.StartExecution("once", "{}");
        await machine.WaitForCompletionAsync(first.ExecutionArn, default);

        var e = Assert.Throws<LocalStepFunctionsException>(() => machine.StartExecution("once", "{}"));

        Assert.Equal("ExecutionAlreadyExists", e.ErrorCode);
    }

    [Theory]
    [InlineData("has space")]
    [InlineData("a:b")]
    [InlineData("")]
    public async Task StartExecution_InvalidName_ThrowsInvalidName(string name)
    {
        await using var machine = new LocalStateMachine("""{"StartAt":"S","States":{"S":{"Type":"Succeed"}}}""", NoHandlers);

        var e = Assert.Throws<LocalStepFunctionsException>(() => machine.StartExecution(name, "{}"));

        Assert.Equal("InvalidName", e.ErrorCode);
    }

    [Fact]
    public async Task ExecutionArn_DerivesFromStateMachineArn()
    {
        await using var machine = new LocalStateMachine("""{"StartAt":"S","States":{"S":{"Type":"Succeed"}}}""", NoHandlers,
            new LocalStateMachineOptions { StateMachineArn = "arn:aws:states:eu-west-1:123456789012:stateMachine:reminders" });

        Assert.Equal("arn:aws:states:eu-west-1:123456789012:execution:reminders:n1", machine.StartExecution("n1", "{}").ExecutionArn);
    }

    private static async Task<JsonNode?> RunAsync(string definition, string input, IReadOnlyDictionary<string, ITaskHandler>? handlers = null, string? name = null)
    {
        await using var machine = new LocalStateMachine(definition, handlers ?? NoHandlers);
        var start = machine.StartExecution(name, input);
        var result = await machine.WaitForCompletionAsync(start.ExecutionArn, default);
        Assert.True(result.Status == ExecutionStatus.Succeeded, $"{result.Status} {result.Error} {result.Cause}");
        return JsonNode.Parse(result.Output!);
    }

    private sealed class ClrNumbersHandler : ITaskHandler
    {
        public Task<JsonNode?> InvokeAsync(TaskInvocation invocation, CancellationToken cancellationToken)
            => Task.FromResult<JsonNode?>(new JsonObject { ["Count"] = 1, ["Zero"] = 0L });
    }

    private sealed class EchoHandler : ITaskHandler
    {
        public Task<JsonNode?> InvokeAsync(TaskInvocation invocation, CancellationToken cancellationToken)
            => Task.FromResult(invocation.Parameters?.DeepClone());
    }
}
