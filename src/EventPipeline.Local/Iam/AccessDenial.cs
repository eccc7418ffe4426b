namespace EventPipeline.Local.Iam;

/// <summary>One call the edge refused: when, who, which action on which resource.</summary>
public sealed record AccessDenial(DateTimeOffset At, string Principal, string Action, string Resource);
