using System.Security.Cryptography;
using System.Text;

namespace EventPipeline.Sources.Common;

/// <summary>
/// Secret comparisons shared by the group-B authenticators: hex HMACs of the raw body and shared-secret bearer tokens.
/// Every comparison is constant-time and tries each active secret (rotation); reasons never include secrets.
/// </summary>
internal static class SecretChecks
{
    /// <summary>Lower-case hex HMAC of <paramref name="body"/> with <paramref name="secret"/>.</summary>
    public static string HexHmac(HashAlgorithmName algorithm, string secret, ReadOnlySpan<byte> body)
    {
        return Convert.ToHexStringLower(Mac(algorithm, secret, body));
    }

    private static byte[] Mac(HashAlgorithmName algorithm, string secret, ReadOnlySpan<byte> body)
    {
        var key = Encoding.UTF8.GetBytes(secret);
        if (algorithm == HashAlgorithmName.SHA1)
        {
#pragma warning disable CA5350 // Segment's documented signature is HMAC-SHA1; we verify what the provider sends.
            return HMACSHA1.HashData(key, body);
#pragma warning restore CA5350
        }

        return HMACSHA256.HashData(key, body);
    }

    /// <summary>Checks a presented hex HMAC against the HMAC of the body under each secret.</summary>
    public static AuthResult VerifyHexHmac(HashAlgorithmName algorithm, string? presentedHex, string header, ReadOnlySpan<byte> body, IReadOnlyList<string> secrets)
    {
        if (string.IsNullOrEmpty(presentedHex))
        {
            return AuthResult.Invalid($"missing {header} header");
        }

        byte[] presented;
        try
        {
            presented = Convert.FromHexString(presentedHex.Trim());
        }
        catch (FormatException)
        {
            return AuthResult.Invalid($"{header} is not hex");
        }

        if (secrets.Count == 0)
        {
            return AuthResult.Invalid("no active secret configured");
        }

        var ok = false;
        foreach (var secret in secrets)
        {
            var expected = Mac(algorithm, secret, body);
            // No early exit: every secret is tried so timing does not reveal which one matched.
            ok |= CryptographicOperations.FixedTimeEquals(expected, presented);
        }

        return ok ? AuthResult.Valid : AuthResult.Invalid("signature mismatch");
    }

    /// <summary>Checks <c>Authorization: Bearer &lt;secret&gt;</c> against each active secret.</summary>
    public static AuthResult VerifyBearer(WebhookRequest request, IReadOnlyList<string> secrets)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(secrets);
        var header = request.Header("authorization");
        const string Scheme = "Bearer ";
        if (header is null)
        {
            return AuthResult.Invalid("missing Authorization header");
        }

        if (!header.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase))
        {
            return AuthResult.Invalid("Authorization header must use the Bearer scheme");
        }

        return MatchesAny(header[Scheme.Length..].Trim(), secrets) ? AuthResult.Valid : AuthResult.Invalid("bearer token mismatch");
    }

    /// <summary>
    /// Constant-time check of a presented secret against each active secret. Both sides are hashed first so the
    /// comparison length does not depend on the secret's length.
    /// </summary>
    public static bool MatchesAny(string presented, IReadOnlyList<string> secrets)
    {
        ArgumentNullException.ThrowIfNull(presented);
        ArgumentNullException.ThrowIfNull(secrets);
        var p = SHA256.HashData(Encoding.UTF8.GetBytes(presented));
        var ok = false;
        foreach (var secret in secrets)
        {
            if (string.IsNullOrEmpty(secret))
            {
                continue;
            }

            ok |= CryptographicOperations.FixedTimeEquals(p, SHA256.HashData(Encoding.UTF8.GetBytes(secret)));
        }

        return ok;
    }

    /// <summary>The header a relay or producer sends with a shared secret.</summary>
    public static IReadOnlyDictionary<string, string> BearerHeaders(string secret) =>
        new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { ["authorization"] = "Bearer " + secret };

    /// <summary>SHA-256 of the parts joined with a unit separator, as lower-case hex: a stable dedup id for sources without one.</summary>
    public static string StableId(params string[] parts)
    {
        var bytes = Encoding.UTF8.GetBytes(string.Join('\u001f', parts));
        return Convert.ToHexStringLower(SHA256.HashData(bytes));
    }
}
