namespace EventPipeline.Local.Iam;

/// <summary>
/// Who signs a request: a role from the template (a function's execution role, the state machine's role) with its
/// policy statements and the credentials the local stack issued for it, or the stack's own administrator (setup, CLI,
/// tests), which IAM does not restrict.
/// </summary>
/// <param name="Name">The role name (or <c>administrator</c>).</param>
/// <param name="Arn">The role's ARN.</param>
/// <param name="AccessKeyId">The access key id of its local credentials.</param>
/// <param name="SecretAccessKey">The secret key of its local credentials.</param>
/// <param name="Statements">Every statement of its identity policies; null for the administrator.</param>
public sealed record IamPrincipal(string Name, string Arn, string AccessKeyId, string SecretAccessKey, IReadOnlyList<PolicyStatement>? Statements)
{
    /// <summary>True for the administrator.</summary>
    public bool IsAdministrator => Statements is null;

    /// <summary>Keeps the secret out of logs.</summary>
    public override string ToString() => $"IamPrincipal {{ Name = {Name}, AccessKeyId = {AccessKeyId} }}";
}
