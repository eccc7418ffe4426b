using EventPipeline.Application.Ports;
using EventPipeline.Domain;

namespace EventPipeline.Application.Reminders;

/// <summary>
/// Starts a reminder: the execution name comes from the caller's Idempotency-Key (per tenant), so a retried request
/// starts one execution; the input hash is recorded first, because once an execution has closed Step Functions cannot
/// tell a retry from a different request under the same key (both answer ExecutionAlreadyExists).
/// </summary>
/// <param name="idempotency">Which input each execution name was first used with.</param>
/// <param name="workflow">The reminder workflow.</param>
public sealed class ReminderScheduler(IIdempotencyStore idempotency, IWorkflowStarter workflow)
{
    /// <summary>Longest accepted Idempotency-Key.</summary>
    public const int MaxIdempotencyKeyLength = 255;

    /// <summary>The rule an Idempotency-Key must meet.</summary>
    public const string IdempotencyKeyRule = "must be 1 to 255 printable ASCII characters";

    /// <summary>Null when <paramref name="key"/> is acceptable, else the rule it breaks.</summary>
    public static Rejection? CheckIdempotencyKey(string key) =>
        key is null || key.Length is 0 or > MaxIdempotencyKeyLength || key.Any(c => c is < ' ' or > '~')
            ? new Rejection("Idempotency-Key", IdempotencyKeyRule)
            : null;

    /// <summary>Starts the workflow with <paramref name="inputJson"/> (already validated) for <paramref name="tenant"/>.</summary>
    /// <returns>The execution ARN, or a conflict when the key was first used with a different input.</returns>
    public async Task<ReminderStart> StartAsync(string tenant, string inputJson, string? idempotencyKey, CancellationToken cancellationToken)
    {
        if (idempotencyKey is null)
        {
            var random = ExecutionNames.Random();
            return ReminderStart.Started(await workflow.StartAsync(random, inputJson, cancellationToken) ?? workflow.ExecutionArn(random));
        }

        var name = ExecutionNames.FromIdempotencyKey(tenant, idempotencyKey);
        var hash = ExecutionNames.InputHash(inputJson);
        var stored = await idempotency.GetOrAddInputHashAsync(name, hash, cancellationToken);
        if (!string.Equals(stored, hash, StringComparison.Ordinal))
        {
            return ReminderStart.Conflict(new Rejection("Idempotency-Key", "was already used with a different request body"));
        }

        // An existing execution of this name was proven (by the store) to have this very input: it is ours.
        return ReminderStart.Started(await workflow.StartAsync(name, inputJson, cancellationToken) ?? workflow.ExecutionArn(name));
    }
}
