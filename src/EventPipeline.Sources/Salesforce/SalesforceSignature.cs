using EventPipeline.Sources.Toolkit;

namespace EventPipeline.Sources.Salesforce;

/// <summary>
/// Salesforce Change Data Capture events reach the pipeline through a relay (a Pub/Sub API or CometD subscriber,
/// or an EventBridge partner source) that authenticates to Salesforce with its own credentials and posts to the webhook with
/// a shared secret: <c>Authorization: Bearer &lt;secret&gt;</c>. The token authenticates the relay, not the body.
/// </summary>
public sealed class SalesforceSignature : BearerTokenSignature;
