using System.Security.Cryptography;
using EventPipeline.Sources.Toolkit;

namespace EventPipeline.Sources.Segment;

/// <summary>
/// Segment webhook destinations sign the raw body: <c>X-Signature</c> is the lower-case hex HMAC-SHA1 of the body
/// keyed with the shared secret (SHA-1 is Segment's choice, not ours). Segment signs no timestamp; replays are absorbed
/// by dedup on <c>messageId</c>.
/// </summary>
public sealed class SegmentSignature() : HmacSignature("X-Signature", HashAlgorithmName.SHA1, MacText.Hex().NamingTheRule());
