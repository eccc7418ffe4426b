using System.Text;
using System.Text.Json.Nodes;
using EventPipeline.Aws.Clients;
using EventPipeline.Lambda;
using EventPipeline.Lambda.Events;
using EventPipeline.Topology;

namespace EventPipeline.Reminders;

/// <summary>
/// <c>POST /reminders</c> (HTTP API, JWT-authorized): validates the request, derives the execution name from the
/// caller's Idempotency-Key, and starts the reminder workflow. 202 <c>{"executionArn"}</c>; 400 with every broken rule;
/// 401 without a tenant claim; 409 when the Idempotency-Key was used with a different body.
/// </summary>
public sealed class RemindersFunction(
    IStepFunctionsClient stepFunctions,
    IIdempotencyStore idempotency,
    RemindersOptions options,
    TimeProvider clock)
{
    /// <summary>Request header carrying the client's idempotency key (HTTP API lower-cases header names).</summary>
    public const string IdempotencyKeyHeader = "idempotency-key";

    /// <summary>Longest accepted Idempotency-Key.</summary>
    public const int MaxIdempotencyKeyLength = 255;

    private readonly ReminderRequestValidator _validator = new(clock);

    /// <summary>Handles one request.</summary>
    public async Task<APIGatewayHttpApiV2ProxyResponse> HandleAsync(
        APIGatewayHttpApiV2ProxyRequest request, ILambdaContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var tenant = request.RequestContext.Authorizer?.Jwt?.Claims?.GetValueOrDefault(PipelineTopology.Auth.TenantClaim);
        if (string.IsNullOrEmpty(tenant))
        {
            return Json(401, new JsonObject { ["message"] = $"the token has no '{PipelineTopology.Auth.TenantClaim}' claim" });
        }

        var body = request.Body;
        if (request.IsBase64Encoded && body is not null)
        {
            try
            {
                body = Encoding.UTF8.GetString(Convert.FromBase64String(body));
            }
            catch (FormatException)
            {
                body = null;
            }
        }

        var (inputJson, errors) = _validator.Validate(tenant, body);
        var allErrors = new List<ValidationError>(errors);
        string? key = null;
        if (request.Headers?.TryGetValue(IdempotencyKeyHeader, out var headerValue) == true)
        {
            key = headerValue;
            if (key.Length is 0 or > MaxIdempotencyKeyLength || key.Any(c => c is < ' ' or > '~'))
            {
                allErrors.Add(new ValidationError("Idempotency-Key", "must be 1 to 255 printable ASCII characters"));
            }
        }

        if (allErrors.Count > 0 || inputJson is null)
        {
            return Errors(400, allErrors);
        }

        string name;
        if (key is null)
        {
            name = ExecutionNames.Random();
        }
        else
        {
            name = ExecutionNames.FromIdempotencyKey(tenant, key);
            var hash = ExecutionNames.InputHash(inputJson);
            var stored = await idempotency.GetOrAddInputHashAsync(name, hash, cancellationToken);
            if (!string.Equals(stored, hash, StringComparison.Ordinal))
            {
                return Errors(409, [new ValidationError("Idempotency-Key", "was already used with a different request body")]);
            }
        }

        string executionArn;
        try
        {
            executionArn = (await stepFunctions.StartExecutionAsync(options.StateMachineArn, name, inputJson, cancellationToken)).ExecutionArn;
        }
        catch (AwsServiceException e) when (e.ErrorCode.EndsWith("ExecutionAlreadyExists", StringComparison.Ordinal) && key is not null)
        {
            // The store proved this name was first used with this very input: the execution is ours, already closed.
            executionArn = ExecutionNames.ExecutionArn(options.StateMachineArn, name);
        }

        return Json(202, new JsonObject { ["executionArn"] = executionArn });
    }

    private static APIGatewayHttpApiV2ProxyResponse Errors(int status, IEnumerable<ValidationError> errors)
    {
        var list = new JsonArray();
        foreach (var e in errors)
        {
            list.Add((JsonNode)new JsonObject { ["field"] = e.Field, ["rule"] = e.Rule });
        }

        return Json(status, new JsonObject { ["errors"] = list });
    }

    private static APIGatewayHttpApiV2ProxyResponse Json(int status, JsonObject body) => new()
    {
        StatusCode = status,
        Headers = new Dictionary<string, string> { ["content-type"] = "application/json" },
        Body = body.ToJsonString(),
    };
}
