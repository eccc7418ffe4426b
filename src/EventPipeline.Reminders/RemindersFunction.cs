using System.Text;
using EventPipeline.Application.Reminders;
using EventPipeline.Lambda;
using EventPipeline.Lambda.Events;
using EventPipeline.Topology;

namespace EventPipeline.Reminders;

/// <summary>
/// <c>POST /reminders</c> (HTTP API, JWT-authorized): validates the request, derives the execution name from the
/// caller's Idempotency-Key, and starts the reminder workflow. 202 <c>{"executionArn"}</c>; 400 with every broken rule;
/// 401 without a tenant claim; 409 when the Idempotency-Key was used with a different body.
/// </summary>
public sealed class RemindersFunction(ReminderScheduler scheduler, TimeProvider clock)
{
    /// <summary>Request header carrying the client's idempotency key (HTTP API lower-cases header names).</summary>
    public const string IdempotencyKeyHeader = "idempotency-key";

    private readonly ReminderRequestValidator _validator = new(clock);

    /// <summary>Handles one request.</summary>
    public async Task<APIGatewayHttpApiV2ProxyResponse> HandleAsync(
        APIGatewayHttpApiV2ProxyRequest request, ILambdaContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var tenant = request.RequestContext.Authorizer?.Jwt?.Claims?.GetValueOrDefault(PipelineTopology.Auth.TenantClaim);
        if (string.IsNullOrEmpty(tenant))
        {
            return HttpApiResponses.Error(401, "unauthorized", "token", $"must carry a '{PipelineTopology.Auth.TenantClaim}' claim");
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
        var problems = errors.Select(e => (e.Field, e.Rule)).ToList();
        string? key = null;
        if (request.Headers?.TryGetValue(IdempotencyKeyHeader, out var headerValue) == true)
        {
            key = headerValue;
            if (ReminderScheduler.CheckIdempotencyKey(key) is { } badKey)
            {
                problems.Add((badKey.Field, badKey.Rule));
            }
        }

        if (problems.Count > 0 || inputJson is null)
        {
            return HttpApiResponses.Errors(400, "bad_request", problems.Count > 0 ? problems : [("body", ReminderRequestValidator.Rules.Body)]);
        }

        var started = await scheduler.StartAsync(tenant, inputJson, key, cancellationToken);
        return started.Conflicting is { } conflict
            ? HttpApiResponses.Error(409, "conflict", conflict.Field, conflict.Rule)
            : HttpApiResponses.Json(202, w => w.WriteString("executionArn", started.ExecutionArn));
    }
}
