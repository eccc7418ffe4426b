using System.Security.Cryptography;
using System.Text;

namespace EventPipeline.Sources.Toolkit;

/// <summary>
/// Dedup ids for payloads that carry none (CSV rows, Graph notifications): the same parts always give the same id, so
/// a re-sent payload deduplicates instead of counting twice.
/// </summary>
internal static class StableId
{
    /// <summary>SHA-256 of the parts joined with a unit separator, as lower-case hex.</summary>
    public static string Of(params string[] parts) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('\u001f', parts))));
}
