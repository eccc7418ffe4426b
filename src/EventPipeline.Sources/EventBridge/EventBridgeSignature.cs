using EventPipeline.Sources.Toolkit;

namespace EventPipeline.Sources.EventBridge;

/// <summary>
/// EventBridge delivers to the webhook through an API destination whose connection uses API-key or OAuth
/// authorization; configure it to send <c>Authorization: Bearer &lt;secret&gt;</c>. The token authenticates the sender, not the body.
/// </summary>
public sealed class EventBridgeSignature : BearerTokenSignature;
