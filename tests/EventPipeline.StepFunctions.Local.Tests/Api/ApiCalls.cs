using System.Text;
using System.Text.Json;
using EventPipeline.StepFunctions.Local.Api;

namespace EventPipeline.StepFunctions.Local.Tests.Api;

/// <summary>State machines and calls shared by the API tests.</summary>
internal static class ApiCalls
{
    public const string Arn = "arn:aws:states:us-east-1:123456789012:stateMachine:reminders";

    /// <summary>Stays RUNNING until stopped: one Wait state of an hour at real time.</summary>
    public const string WaitAnHour = """{"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":3600,"End":true}}}""";

    /// <summary>Succeeds at once, echoing its input.</summary>
    public const string Succeed = """{"StartAt":"S","States":{"S":{"Type":"Succeed"}}}""";

    /// <summary>Fails at once with error Boom, cause "it broke".</summary>
    public const string Fail = """{"StartAt":"F","States":{"F":{"Type":"Fail","Error":"Boom","Cause":"it broke"}}}""";

    public static LocalStateMachine Machine(string definition, string arn = Arn) =>
        new(definition, new Dictionary<string, ITaskHandler>(), new LocalStateMachineOptions { StateMachineArn = arn });

    public static async Task<(int Status, JsonElement Body)> CallAsync(StepFunctionsApi api, string operation, string body)
    {
        var answer = await api.HandleAsync(StepFunctionsApi.TargetPrefix + operation, Encoding.UTF8.GetBytes(body), CancellationToken.None);
        using var document = JsonDocument.Parse(answer.Json);
        return (answer.Status, document.RootElement.Clone());
    }

    public static async Task<JsonElement> OkAsync(StepFunctionsApi api, string operation, string body)
    {
        var (status, json) = await CallAsync(api, operation, body);
        Assert.True(status == 200, $"{operation}: {status} {json}");
        return json;
    }

    public static void AssertError(int status, JsonElement body, string code)
    {
        Assert.Equal(400, status);
        Assert.Equal(code, body.GetProperty("__type").GetString());
        Assert.False(string.IsNullOrWhiteSpace(body.GetProperty("message").GetString()));
    }

    public static async Task<ExecutionDescription> CompletedAsync(LocalStateMachine machine, string executionArn)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        return await machine.WaitForCompletionAsync(executionArn, timeout.Token);
    }
}
