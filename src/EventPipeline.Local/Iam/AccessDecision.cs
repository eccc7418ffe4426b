namespace EventPipeline.Local.Iam;

/// <summary>The outcome of evaluating policies for one request.</summary>
/// <param name="Allowed">True when an Allow matched and no Deny did.</param>
/// <param name="ExplicitDeny">True when a Deny statement matched.</param>
/// <param name="Statement">The deciding statement (null for an implicit deny).</param>
public sealed record AccessDecision(bool Allowed, bool ExplicitDeny, PolicyStatement? Statement);
