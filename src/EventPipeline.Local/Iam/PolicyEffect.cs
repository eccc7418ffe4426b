namespace EventPipeline.Local.Iam;

/// <summary>The effect of an IAM statement.</summary>
public enum PolicyEffect
{
    /// <summary>Grants the matched actions.</summary>
    Allow,

    /// <summary>Refuses the matched actions, whatever else allows them.</summary>
    Deny,
}
