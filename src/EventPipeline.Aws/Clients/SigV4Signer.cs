using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace EventPipeline.Aws.Clients;

/// <summary>
/// AWS Signature Version 4 for header-signed requests (canonical request → string to sign → HMAC-SHA256 key chain).
/// </summary>
/// <remarks>
/// Our own rather than AWSSDK.Core's <c>Amazon.Runtime.Signing.AWSSigV4Signer</c>: that public signer always adds
/// and signs <c>X-Amz-Content-SHA256</c> (valid, but it cannot be checked against AWS's published test-suite
/// vectors) and builds an SDK request object per call. The algorithm is small and documented; tests check it against
/// the SigV4 test suite and against the SDK signer for the requests this project sends.
/// Path canonicalization follows every service except S3: each segment of the path as sent is URI-encoded again.
/// </remarks>
public static class SigV4Signer
{
    private const string Algorithm = "AWS4-HMAC-SHA256";

    /// <summary>
    /// Signs a request. <paramref name="headers"/> are the headers to sign besides <c>host</c>, <c>x-amz-date</c> and
    /// (when the credentials carry one) <c>x-amz-security-token</c>, which are added here; names are matched
    /// case-insensitively and must be sent with exactly these values.
    /// </summary>
    public static SigV4Result Sign(
        string method,
        Uri uri,
        IEnumerable<KeyValuePair<string, string>> headers,
        ReadOnlySpan<byte> payload,
        SigV4Credentials credentials,
        string region,
        string service,
        DateTimeOffset signedAt,
        byte[]? signingKey = null)
    {
        ArgumentNullException.ThrowIfNull(method);
        ArgumentNullException.ThrowIfNull(uri);
        ArgumentNullException.ThrowIfNull(headers);
        var amzDate = signedAt.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
        var dateStamp = amzDate[..8];

        var canonicalHeaders = new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            ["host"] = uri.Authority,
            ["x-amz-date"] = amzDate,
        };
        if (!string.IsNullOrEmpty(credentials.SessionToken))
        {
            canonicalHeaders["x-amz-security-token"] = credentials.SessionToken;
        }

        foreach (var (name, value) in headers)
        {
#pragma warning disable CA1308 // SigV4 defines canonical header names as lower case; upper-casing would be wrong.
            var key = name.Trim().ToLowerInvariant();
#pragma warning restore CA1308
            var trimmed = CollapseSpaces(value);
            canonicalHeaders[key] = canonicalHeaders.TryGetValue(key, out var existing) && key is not ("host" or "x-amz-date")
                ? existing + "," + trimmed
                : trimmed;
        }

        var signedHeaders = string.Join(';', canonicalHeaders.Keys);
        var derivedKey = signingKey ?? DeriveSigningKey(credentials.SecretAccessKey, dateStamp, region, service);
        var signature = Signature(method, CanonicalPath(uri.AbsolutePath), CanonicalQuery(uri.Query), [.. canonicalHeaders], HexSha256(payload), amzDate, region, service, derivedKey);
        var scope = $"{dateStamp}/{region}/{service}/aws4_request";
        var authorization = $"{Algorithm} Credential={credentials.AccessKeyId}/{scope}, SignedHeaders={signedHeaders}, Signature={signature}";
        return new SigV4Result(authorization, amzDate, signedHeaders, signature);
    }

    /// <summary>
    /// The signature of a canonical request from its parts (steps 1–4 of the algorithm): what a signer computes for a
    /// request it sends and a verifier for one it received. <paramref name="canonicalHeaders"/> are sorted by their
    /// lower-case names, with values trimmed and inner spaces collapsed.
    /// </summary>
    public static string Signature(
        string method,
        string canonicalPath,
        string canonicalQuery,
        IReadOnlyList<KeyValuePair<string, string>> canonicalHeaders,
        string payloadHash,
        string amzDate,
        string region,
        string service,
        byte[] signingKey)
    {
        ArgumentNullException.ThrowIfNull(method);
        ArgumentNullException.ThrowIfNull(canonicalHeaders);
        ArgumentNullException.ThrowIfNull(amzDate);
        var canonical = new StringBuilder(256)
            .Append(method.ToUpperInvariant()).Append('\n')
            .Append(canonicalPath).Append('\n')
            .Append(canonicalQuery).Append('\n');
        foreach (var (name, value) in canonicalHeaders)
        {
            canonical.Append(name).Append(':').Append(value).Append('\n');
        }

        canonical.Append('\n').Append(string.Join(';', canonicalHeaders.Select(h => h.Key))).Append('\n').Append(payloadHash);
        var scope = $"{amzDate[..8]}/{region}/{service}/aws4_request";
        var stringToSign = $"{Algorithm}\n{amzDate}\n{scope}\n{HexSha256(Encoding.UTF8.GetBytes(canonical.ToString()))}";
        return Convert.ToHexStringLower(HMACSHA256.HashData(signingKey, Encoding.UTF8.GetBytes(stringToSign)));
    }

    /// <summary>The key chain HMAC("AWS4"+secret, date) → region → service → "aws4_request"; valid for one UTC day.</summary>
    public static byte[] DeriveSigningKey(string secretAccessKey, string dateStamp, string region, string service)
    {
        ArgumentNullException.ThrowIfNull(secretAccessKey);
        var key = HMACSHA256.HashData(Encoding.UTF8.GetBytes("AWS4" + secretAccessKey), Encoding.UTF8.GetBytes(dateStamp));
        key = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(region));
        key = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(service));
        return HMACSHA256.HashData(key, "aws4_request"u8);
    }

    /// <summary>Lower-case hex SHA-256, as the canonical request and <c>X-Amz-Content-SHA256</c> use.</summary>
    public static string HexSha256(ReadOnlySpan<byte> data)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(data, hash);
        return Convert.ToHexStringLower(hash);
    }

    /// <summary>RFC 3986 encoding as SigV4 defines it: everything but A–Z a–z 0–9 - _ . ~ becomes %XX (upper-case hex).</summary>
    public static string UriEncode(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var bytes = Encoding.UTF8.GetBytes(value);
        var sb = new StringBuilder(bytes.Length * 3);
        foreach (var b in bytes)
        {
            if (b is (>= (byte)'A' and <= (byte)'Z') or (>= (byte)'a' and <= (byte)'z') or (>= (byte)'0' and <= (byte)'9')
                or (byte)'-' or (byte)'_' or (byte)'.' or (byte)'~')
            {
                sb.Append((char)b);
            }
            else
            {
                sb.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
            }
        }

        return sb.ToString();
    }

    /// <summary>The path as sent (already percent-encoded), each segment encoded once more: the rule for every service but S3.</summary>
    public static string CanonicalPath(string absolutePath)
    {
        if (absolutePath.Length == 0 || absolutePath == "/")
        {
            return "/";
        }

        var segments = absolutePath.Split('/');
        for (var i = 0; i < segments.Length; i++)
        {
            segments[i] = UriEncode(segments[i]);
        }

        return string.Join('/', segments);
    }

    /// <summary>The query string (with its leading <c>?</c>) as SigV4 canonicalizes it: pairs encoded and sorted.</summary>
    public static string CanonicalQuery(string query)
    {
        if (query.Length <= 1)
        {
            return "";
        }

        var pairs = new List<(string Key, string Value)>();
        foreach (var part in query[1..].Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = part.IndexOf('=', StringComparison.Ordinal);
            var key = eq < 0 ? part : part[..eq];
            var value = eq < 0 ? "" : part[(eq + 1)..];
            pairs.Add((UriEncode(Uri.UnescapeDataString(key)), UriEncode(Uri.UnescapeDataString(value))));
        }

        pairs.Sort((a, b) =>
        {
            var byKey = string.CompareOrdinal(a.Key, b.Key);
            return byKey != 0 ? byKey : string.CompareOrdinal(a.Value, b.Value);
        });
        return string.Join('&', pairs.Select(p => p.Key + "=" + p.Value));
    }

    /// <summary>Header values are trimmed and inner runs of spaces collapse to one (SigV4 canonical headers).</summary>
    public static string CollapseSpaces(string value)
    {
        var trimmed = value.Trim();
        if (!trimmed.Contains("  ", StringComparison.Ordinal))
        {
            return trimmed;
        }

        var sb = new StringBuilder(trimmed.Length);
        var previousSpace = false;
        foreach (var c in trimmed)
        {
            if (c == ' ' && previousSpace)
            {
                continue;
            }

            previousSpace = c == ' ';
            sb.Append(c);
        }

        return sb.ToString();
    }
}
