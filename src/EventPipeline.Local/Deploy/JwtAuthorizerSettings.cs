using EventPipeline.Local.Iam;
using EventPipeline.Topology;

namespace EventPipeline.Local.Deploy;

/// <summary>A JWT authorizer's configuration.</summary>
public sealed record JwtAuthorizerSettings(string Issuer, IReadOnlyList<string> Audiences);
