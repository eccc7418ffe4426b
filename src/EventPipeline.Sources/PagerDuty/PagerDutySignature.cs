using System.Security.Cryptography;
using EventPipeline.Sources.Toolkit;

namespace EventPipeline.Sources.PagerDuty;

/// <summary>
/// PagerDuty v3's <c>X-PagerDuty-Signature: v1=&lt;hex&gt;[,v1=&lt;hex&gt;...]</c>: hex HMAC-SHA256 of the raw body. PagerDuty
/// lists one <c>v1</c> per active secret while one is rotated; any match suffices. No timestamp is signed.
/// </summary>
public sealed class PagerDutySignature() : HmacSignature(Header, HashAlgorithmName.SHA256, MacText.HexList("v1"))
{
    /// <summary>The signature header.</summary>
    public const string Header = "X-PagerDuty-Signature";
}
