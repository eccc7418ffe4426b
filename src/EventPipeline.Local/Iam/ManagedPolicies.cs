namespace EventPipeline.Local.Iam;

/// <summary>The AWS managed policies the templates attach, with the statements AWS publishes for them.</summary>
public static class ManagedPolicies
{
    /// <summary>The statements of the managed policy <paramref name="arn"/>.</summary>
    /// <exception cref="InvalidOperationException">A managed policy the local stack does not know (so it is never silently ignored).</exception>
    public static IReadOnlyList<PolicyStatement> Statements(string arn)
    {
        ArgumentNullException.ThrowIfNull(arn);
        return arn.EndsWith(":iam::aws:policy/service-role/AWSLambdaBasicExecutionRole", StringComparison.Ordinal)
            ?
            [
                // As published: CloudWatch Logs only. Locally there is no CloudWatch, so these are never exercised.
                new PolicyStatement(PolicyEffect.Allow, ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"], null, ["*"], null,
                    new Dictionary<string, IReadOnlyDictionary<string, IReadOnlyList<string>>>()),
            ]
            : throw new InvalidOperationException($"managed policy '{arn}' is not known to the local stack; add its statements to {nameof(ManagedPolicies)}.");
    }
}
