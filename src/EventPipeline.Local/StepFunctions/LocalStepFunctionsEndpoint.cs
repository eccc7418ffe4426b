using System.Globalization;
using System.Text.Json;
using EventPipeline.Workflow.Local;
using Microsoft.AspNetCore.Http;

namespace EventPipeline.Local.StepFunctions;

/// <summary>
/// Step Functions' JSON 1.0 API (<c>AWSStepFunctions.StartExecution</c>) over the in-process
/// <see cref="LocalStateMachine"/>, served behind the local AWS endpoint so the Reminders function calls it with its
/// real client, signed and IAM-checked like any AWS call.
/// </summary>
public sealed class LocalStepFunctionsEndpoint(LocalStateMachine machine)
{
    /// <summary>Answers one request (the edge has already authorized it).</summary>
    public async Task HandleAsync(HttpContext context, byte[] body)
    {
        ArgumentNullException.ThrowIfNull(context);
        var target = context.Request.Headers["X-Amz-Target"].ToString();
        var operation = target[(target.LastIndexOf('.') + 1)..];
        using var doc = JsonDocument.Parse(body.Length == 0 ? "{}"u8.ToArray() : body);
        var root = doc.RootElement;
        switch (operation)
        {
            case "StartExecution":
                {
                    var arn = root.TryGetProperty("stateMachineArn", out var a) ? a.GetString() : null;
                    if (!string.Equals(arn, machine.StateMachineArn, StringComparison.Ordinal))
                    {
                        await ErrorAsync(context, "StateMachineDoesNotExist", $"State Machine Does Not Exist: '{arn}'");
                        return;
                    }

                    var name = root.TryGetProperty("name", out var n) ? n.GetString() ?? Guid.NewGuid().ToString() : Guid.NewGuid().ToString();
                    var input = root.TryGetProperty("input", out var i) ? i.GetString() ?? "{}" : "{}";
                    try
                    {
                        var start = machine.StartExecution(name, input);
                        await JsonAsync(context, w =>
                        {
                            w.WriteString("executionArn", start.ExecutionArn);
                            w.WriteNumber("startDate", start.StartDate.ToUnixTimeMilliseconds() / 1000.0);
                        });
                    }
                    catch (LocalStepFunctionsException e)
                    {
                        await ErrorAsync(context, e.ErrorCode, e.Message);
                    }

                    return;
                }

            default:
                await ErrorAsync(context, "UnknownOperationException", $"the local Step Functions does not implement {operation}");
                return;
        }
    }

    private static async Task JsonAsync(HttpContext context, Action<Utf8JsonWriter> members, int status = 200)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/x-amz-json-1.0";
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            members(w);
            w.WriteEndObject();
        }

        await context.Response.Body.WriteAsync(buffer.ToArray(), context.RequestAborted);
    }

    private static Task ErrorAsync(HttpContext context, string type, string message) =>
        JsonAsync(
            context,
            w =>
            {
                w.WriteString("__type", type);
                w.WriteString("message", message);
            },
            400);
}
