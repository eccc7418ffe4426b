using System.Security.Cryptography;
using System.Text;

namespace EventPipeline.Application.Reminders;

/// <summary>Execution names and ARNs for the reminder workflow.</summary>
public static class ExecutionNames
{
    /// <summary>
    /// The execution name for an Idempotency-Key: <c>r-</c> + 64 hex chars of SHA-256 over (tenant, key) — 66 characters,
    /// inside Step Functions' 80-character limit and allowed alphabet, and the same for every retry of the request.
    /// Tenants cannot collide: the tenant is length-prefixed before the key.
    /// </summary>
    public static string FromIdempotencyKey(string tenant, string idempotencyKey)
    {
        ArgumentNullException.ThrowIfNull(tenant);
        ArgumentNullException.ThrowIfNull(idempotencyKey);
        var material = Encoding.UTF8.GetBytes($"{tenant.Length}:{tenant}:{idempotencyKey}");
        return "r-" + Convert.ToHexStringLower(SHA256.HashData(material));
    }

    /// <summary>A fresh name for a request without an Idempotency-Key.</summary>
    public static string Random() => "r-" + Guid.NewGuid().ToString("N");

    /// <summary>SHA-256 (hex) of an execution input, to tell a retried request from a different one with the same key.</summary>
    public static string InputHash(string inputJson)
        => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(inputJson)));

    /// <summary>The ARN Step Functions gives execution <paramref name="name"/> of <paramref name="stateMachineArn"/>.</summary>
    public static string ExecutionArn(string stateMachineArn, string name)
    {
        ArgumentNullException.ThrowIfNull(stateMachineArn);
        const string marker = ":stateMachine:";
        var i = stateMachineArn.IndexOf(marker, StringComparison.Ordinal);
        return i < 0
            ? $"{stateMachineArn}:{name}"
            : $"{stateMachineArn[..i]}:execution:{stateMachineArn[(i + marker.Length)..]}:{name}";
    }
}
