
namespace EventPipeline.Sources.Signing;

/// <summary>A webhook request ready to post: where, with which headers (signature included) and the exact body bytes.</summary>
/// <param name="Url">The full URL to post to, <c>{publicBaseUrl}/webhooks/{tenant}/{source}</c>; Twilio's signature covers it.</param>
/// <param name="Headers">Headers, names lower-cased: the sample's, then the provider's signature headers.</param>
/// <param name="Body">The body, byte-exact as signed.</param>
public sealed record SignedWebhookRequest(string Url, IReadOnlyDictionary<string, string> Headers, ReadOnlyMemory<byte> Body);
