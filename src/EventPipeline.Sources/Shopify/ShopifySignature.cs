using System.Security.Cryptography;
using EventPipeline.Sources.Toolkit;

namespace EventPipeline.Sources.Shopify;

/// <summary>
/// Shopify's <c>X-Shopify-Hmac-Sha256</c>: base64 HMAC-SHA256 of the raw body with the app's client secret. Shopify
/// signs no timestamp; replays are absorbed by dedup on the event id.
/// </summary>
public sealed class ShopifySignature() : HmacSignature(Header, HashAlgorithmName.SHA256, MacText.Base64)
{
    /// <summary>The signature header.</summary>
    public const string Header = "X-Shopify-Hmac-Sha256";
}
