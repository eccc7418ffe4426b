using System.Security.Cryptography;
using System.Text;

namespace EventPipeline.Sources.Common;

/// <summary>
/// Shared pieces of the group-A signature schemes: keyed hashes over the raw bytes, constant-time comparison of
/// hex/base64 candidates, and replay windows. Reasons returned never contain secrets or expected values.
/// </summary>
internal static class AdapterSignature
{
    /// <summary>Replay window used where the provider signs a timestamp (Stripe's documented default; chosen for Zendesk and SendGrid).</summary>
    public static readonly TimeSpan Tolerance = TimeSpan.FromSeconds(300);

    /// <summary>The reason given when no configured secret produced a matching signature.</summary>
    public const string Mismatch = "signature mismatch";

    /// <summary>The reason given when the caller configured no usable secret.</summary>
    public const string NoSecret = "no signing secret configured";

    /// <summary>The reason for a signed timestamp outside <see cref="Tolerance"/>.</summary>
    public const string Stale = "timestamp outside 300 s tolerance";

    /// <summary>Reason text for an absent header.</summary>
    public static string MissingHeader(string name) => $"missing {name} header";

    /// <summary>HMAC-SHA256 keyed by the secret's UTF-8 bytes.</summary>
    public static byte[] HmacSha256(string secret, ReadOnlySpan<byte> data) => HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), data);

    /// <summary>HMAC-SHA256 over two concatenated parts (timestamp then body) without copying the body twice.</summary>
    public static byte[] HmacSha256(string secret, ReadOnlySpan<byte> first, ReadOnlySpan<byte> second)
    {
        using var hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, Encoding.UTF8.GetBytes(secret));
        hmac.AppendData(first);
        hmac.AppendData(second);
        return hmac.GetHashAndReset();
    }

    /// <summary>Decodes a hex candidate; null when it is not hex.</summary>
    public static byte[]? FromHex(string candidate)
    {
        try
        {
            return Convert.FromHexString(candidate.Trim());
        }
        catch (FormatException)
        {
            return null;
        }
    }

    /// <summary>Decodes a base64 candidate; null when it is not base64.</summary>
    public static byte[]? FromBase64(string candidate)
    {
        var buffer = new byte[candidate.Length];
        return Convert.TryFromBase64String(candidate.Trim(), buffer, out var written) ? buffer[..written] : null;
    }

    /// <summary>True when any candidate equals <paramref name="expected"/>, each compared in constant time.</summary>
    public static bool AnyEquals(ReadOnlySpan<byte> expected, IReadOnlyList<byte[]> candidates)
    {
        var match = false;
        foreach (var candidate in candidates)
        {
            // No early exit: the time taken does not reveal which candidate (if any) matched.
            match |= CryptographicOperations.FixedTimeEquals(expected, candidate);
        }

        return match;
    }

    /// <summary>The secrets that can be used (non-empty), so a blank entry in configuration never signs anything.</summary>
    public static List<string> Usable(IReadOnlyList<string> secrets)
    {
        ArgumentNullException.ThrowIfNull(secrets);
        return secrets.Where(s => !string.IsNullOrEmpty(s)).ToList();
    }

    /// <summary>True when <paramref name="signedAt"/> is within <see cref="Tolerance"/> of <paramref name="now"/>, either side.</summary>
    public static bool Fresh(DateTimeOffset signedAt, DateTimeOffset now) => (now - signedAt).Duration() <= Tolerance;

    /// <summary>Splits <c>k=v,k=v</c> signature headers (Stripe, PagerDuty) into the values of one scheme key.</summary>
    public static List<string> Values(string header, string key)
    {
        var values = new List<string>();
        foreach (var part in header.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var eq = part.IndexOf('=', StringComparison.Ordinal);
            if (eq > 0 && part.AsSpan(0, eq).Trim().SequenceEqual(key))
            {
                values.Add(part[(eq + 1)..].Trim());
            }
        }

        return values;
    }
}
