using EventPipeline.Sources.Toolkit;

namespace EventPipeline.Sources.CloudEvents;

/// <summary>
/// CloudEvents webhooks authenticate with a bearer token: the CloudEvents HTTP webhook spec's "access token" option,
/// <c>Authorization: Bearer &lt;secret&gt;</c>.
/// </summary>
public sealed class CloudEventsSignature : BearerTokenSignature;
