using System.Security.Cryptography;
using EventPipeline.Sources.Toolkit;

namespace EventPipeline.Sources.Jira;

/// <summary>
/// Jira webhooks registered with a secret send <c>X-Hub-Signature: sha256=&lt;hex HMAC-SHA256 of the raw body&gt;</c>
/// (the WebSub convention). Jira signs no timestamp; replays are absorbed by dedup on <c>X-Atlassian-Webhook-Identifier</c>.
/// </summary>
public sealed class JiraSignature() : HmacSignature("X-Hub-Signature", HashAlgorithmName.SHA256, MacText.Hex("sha256=").NamingTheRule());
