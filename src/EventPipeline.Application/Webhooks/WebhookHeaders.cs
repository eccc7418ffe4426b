namespace EventPipeline.Application.Webhooks;

/// <summary>
/// Which request headers travel in the ingest envelope: everything the provider sent (event type, delivery id,
/// content type, user agent, signature and timestamp headers, so a record can be re-verified on replay) except
/// credentials and what the infrastructure between the provider and us added.
/// </summary>
public static class WebhookHeaders
{
    private static readonly HashSet<string> Dropped = new(StringComparer.OrdinalIgnoreCase)
    {
        // Credentials: a bearer token is a secret and must not be copied onto the stream.
        "authorization", "proxy-authorization", "cookie", "set-cookie", "x-api-key",
        // Hop-by-hop and infrastructure.
        "host", "content-length", "connection", "keep-alive", "transfer-encoding", "te", "upgrade", "expect",
        "via", "forwarded", "x-real-ip", "true-client-ip", "cdn-loop",
    };

    private static readonly string[] DroppedPrefixes = ["x-forwarded-", "x-amzn-", "x-amz-cf-", "cloudfront-"];

    /// <summary>
    /// The headers to keep, names lower-cased. A header whose value contains one of <paramref name="secrets"/> is also
    /// dropped, so schemes that send the secret itself (API-key style) never leak it into the stream.
    /// </summary>
    public static Dictionary<string, string> ForEnvelope(IReadOnlyDictionary<string, string> headers, IReadOnlyList<string> secrets)
    {
        ArgumentNullException.ThrowIfNull(headers);
        ArgumentNullException.ThrowIfNull(secrets);
        var kept = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, value) in headers)
        {
            if (!Keep(name) || ContainsSecret(value, secrets))
            {
                continue;
            }

#pragma warning disable CA1308 // HTTP/2 and API Gateway use lower-case header names; the envelope contract says lower-case.
            kept[name.ToLowerInvariant()] = value;
#pragma warning restore CA1308
        }

        return kept;
    }

    /// <summary>True when a header of this name may be kept in the envelope.</summary>
    public static bool Keep(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (Dropped.Contains(name))
        {
            return false;
        }

        foreach (var prefix in DroppedPrefixes)
        {
            if (name.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
            {
                return false;
            }
        }

        return true;
    }

    private static bool ContainsSecret(string value, IReadOnlyList<string> secrets)
    {
        foreach (var secret in secrets)
        {
            // Very short "secrets" would match innocent values; no real webhook secret is that short.
            if (secret.Length >= 8 && value.Contains(secret, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }
}
