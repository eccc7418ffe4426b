using System.Security.Cryptography;
using EventPipeline.Sources.Toolkit;

namespace EventPipeline.Sources.GitHub;

/// <summary>
/// GitHub's <c>X-Hub-Signature-256: sha256=&lt;hex HMAC-SHA256 of the raw body&gt;</c>. GitHub signs no timestamp, so
/// there is no replay window; replays are absorbed by dedup on <c>X-GitHub-Delivery</c>.
/// </summary>
public sealed class GitHubSignature() : HmacSignature(Header, HashAlgorithmName.SHA256, MacText.Hex("sha256="))
{
    /// <summary>The signature header.</summary>
    public const string Header = "X-Hub-Signature-256";
}
