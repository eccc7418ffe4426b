namespace EventPipeline.Sources;

/// <summary>One source: its adapter, how its webhooks are authenticated, and how to sign a request like the provider does.</summary>
/// <param name="Name">The source's name in <c>/webhooks/{tenant}/{source}</c> and in envelopes.</param>
/// <param name="Adapter">Maps envelopes to canonical events.</param>
/// <param name="Authenticator">Checks the provider's signature on the raw request.</param>
/// <param name="Signer">Signs a request as the provider would (tests, the local CLI).</param>
public sealed record SourceRegistration(string Name, ISourceAdapter Adapter, IWebhookAuthenticator Authenticator, IWebhookSigner Signer);
