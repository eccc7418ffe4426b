using EventPipeline.Sources;

namespace EventPipeline.Application.Webhooks;

/// <summary>One provider's POST to <c>/webhooks/{tenant}/{source}</c>, as received.</summary>
/// <param name="Tenant">The tenant in the path (already checked against the tenant rule).</param>
/// <param name="Source">The registered source in the path.</param>
/// <param name="Url">The public URL the provider posted to (URL-signing schemes sign it).</param>
/// <param name="Headers">Request headers, names lower-cased.</param>
/// <param name="Body">The raw body bytes, exactly as sent (signatures cover them).</param>
public sealed record WebhookDelivery(string Tenant, SourceRegistration Source, string Url, IReadOnlyDictionary<string, string> Headers, byte[] Body);
