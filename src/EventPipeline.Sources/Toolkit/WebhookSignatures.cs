using System.Security.Cryptography;
using System.Text;

namespace EventPipeline.Sources.Toolkit;

/// <summary>
/// How every source decides that a webhook request is authentic, so that each signature class states only its
/// provider's format. Checks run on the raw request before anything parses the body; every comparison is
/// constant-time and tries every active secret, because secrets are rotated by configuring the new one next to the
/// old. Reasons name the header or rule that failed and never contain a secret or an expected value: they are
/// returned to the caller.
/// </summary>
internal static class WebhookSignatures
{
    /// <summary>The reason given when no active secret produced a matching signature.</summary>
    public const string Mismatch = "signature mismatch";

    /// <summary>The reason given when configuration holds no usable (non-empty) secret.</summary>
    public const string NoSecret = "no active secret configured";

    /// <summary>The reason for a signed timestamp outside <see cref="Tolerance"/>.</summary>
    public const string Stale = "timestamp outside 300 s tolerance";

    private const string BearerScheme = "Bearer ";

    /// <summary>
    /// Replay window where the provider signs a timestamp: Stripe's documented default, used for Zendesk and SendGrid,
    /// which document none, so that a captured request cannot be replayed later.
    /// </summary>
    public static readonly TimeSpan Tolerance = TimeSpan.FromSeconds(300);

    /// <summary>Reason text for an absent or blank header.</summary>
    public static string MissingHeader(string name) => $"missing {name} header";

    /// <summary>Reason text for a header that is present but not in the provider's format.</summary>
    public static string Malformed(string header, string? rule = null) =>
        rule is null ? $"malformed {header} header" : $"malformed {header} header: {rule}";

    /// <summary>
    /// Verifies a scheme whose proof travels in <paramref name="header"/>, in the order every provider needs: a usable
    /// secret, the header, the provider's reading of it (<paramref name="read"/>, given the trimmed value), the replay
    /// window when the provider signs a time, and last <paramref name="check"/> against the usable secrets.
    /// </summary>
    public static AuthResult Verify(
        WebhookRequest request,
        IReadOnlyList<string> secrets,
        DateTimeOffset now,
        string header,
        Func<string, WebhookRequest, PresentedSignature> read,
        Func<PresentedSignature, IReadOnlyList<string>, AuthResult> check)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(read);
        ArgumentNullException.ThrowIfNull(check);
        var usable = Usable(secrets);
        if (usable.Count == 0)
        {
            return AuthResult.Invalid(NoSecret);
        }

        var value = request.Header(header);
        if (string.IsNullOrWhiteSpace(value))
        {
            return AuthResult.Invalid(MissingHeader(header));
        }

        var presented = read(value.Trim(), request);
        if (presented.Failure is { } failure)
        {
            return AuthResult.Invalid(failure);
        }

        if (presented.SignedAt is { } signedAt && (now - signedAt).Duration() > Tolerance)
        {
            return AuthResult.Invalid(Stale);
        }

        return check(presented, usable);
    }

    /// <summary>
    /// Verifies a keyed-hash scheme: the presented candidates must include the HMAC of the presented prefix and
    /// payload under one of the active secrets.
    /// </summary>
    public static AuthResult VerifyHmac(
        WebhookRequest request,
        IReadOnlyList<string> secrets,
        DateTimeOffset now,
        string header,
        HashAlgorithmName algorithm,
        Func<string, WebhookRequest, PresentedSignature> read) =>
        Verify(request, secrets, now, header, read, (presented, usable) =>
        {
            var match = false;
            foreach (var secret in usable)
            {
                var expected = Hmac(algorithm, secret, presented.Prefix.Span, presented.Payload.Span);
                foreach (var candidate in presented.Candidates)
                {
                    // No early exit: the time taken does not reveal which secret or candidate matched.
                    match |= CryptographicOperations.FixedTimeEquals(expected, candidate);
                }
            }

            return match ? AuthResult.Valid : AuthResult.Invalid(Mismatch);
        });

    /// <summary>
    /// Verifies <c>Authorization: Bearer &lt;secret&gt;</c>, for senders that prove who they are with a shared secret
    /// and do not sign the body.
    /// </summary>
    public static AuthResult VerifyBearer(WebhookRequest request, IReadOnlyList<string> secrets, DateTimeOffset now) =>
        Verify(request, secrets, now, "Authorization", ReadBearer, static (presented, usable) =>
            MatchesAny(presented.Candidates[0], usable) ? AuthResult.Valid : AuthResult.Invalid("bearer token mismatch"));

    /// <summary>The header a relay or producer sends with a shared secret.</summary>
    public static IReadOnlyDictionary<string, string> BearerHeaders(string secret) => Headers(("authorization", BearerScheme + secret));

    /// <summary>
    /// Constant-time check of a secret that travels as it is (a bearer token, Graph's <c>clientState</c>) against each
    /// usable secret. Both sides are hashed first, so the comparison's length does not depend on the secret's.
    /// </summary>
    public static bool MatchesAny(ReadOnlySpan<byte> presented, IReadOnlyList<string> secrets)
    {
        ArgumentNullException.ThrowIfNull(secrets);
        var digest = SHA256.HashData(presented);
        var match = false;
        foreach (var secret in Usable(secrets))
        {
            match |= CryptographicOperations.FixedTimeEquals(digest, SHA256.HashData(Encoding.UTF8.GetBytes(secret)));
        }

        return match;
    }

    /// <inheritdoc cref="MatchesAny(ReadOnlySpan{byte}, IReadOnlyList{string})"/>
    public static bool MatchesAny(string presented, IReadOnlyList<string> secrets)
    {
        ArgumentNullException.ThrowIfNull(presented);
        return MatchesAny(Encoding.UTF8.GetBytes(presented), secrets);
    }

    /// <summary>
    /// The secrets that can be used (non-empty): a blank entry in configuration must never become an HMAC key that
    /// anyone can sign with.
    /// </summary>
    public static List<string> Usable(IReadOnlyList<string> secrets)
    {
        ArgumentNullException.ThrowIfNull(secrets);
        return secrets.Where(s => !string.IsNullOrEmpty(s)).ToList();
    }

    /// <summary>
    /// HMAC of <paramref name="first"/> followed by <paramref name="second"/> (a signed timestamp, then the body)
    /// without copying the body, keyed by the secret's UTF-8 bytes. SHA-1 is accepted because Twilio and Segment sign
    /// with it: the pipeline verifies the provider's documented scheme, it does not choose one.
    /// </summary>
    public static byte[] Hmac(HashAlgorithmName algorithm, string secret, ReadOnlySpan<byte> first, ReadOnlySpan<byte> second = default)
    {
        using var hmac = IncrementalHash.CreateHMAC(algorithm, Encoding.UTF8.GetBytes(secret));
        hmac.AppendData(first);
        hmac.AppendData(second);
        return hmac.GetHashAndReset();
    }

    /// <summary>Decodes a hex candidate (either case); null when it is not hex.</summary>
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

    /// <summary>The values of one key in a <c>k=v,k=v</c> signature header (Stripe, PagerDuty), in order.</summary>
    public static List<string> HeaderValues(string header, string key)
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

    /// <summary>
    /// The decodable hex values of one key in a <c>k=v,k=v</c> header: a provider lists one per active secret while it
    /// rotates, and a value that is not hex simply cannot match.
    /// </summary>
    public static List<byte[]> HexValues(string header, string key) =>
        HeaderValues(header, key).Select(FromHex).OfType<byte[]>().ToList();

    /// <summary>The headers a signer returns, names as the provider spells them.</summary>
    public static IReadOnlyDictionary<string, string> Headers(params ReadOnlySpan<(string Name, string Value)> headers)
    {
        var result = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, value) in headers)
        {
            result[name] = value;
        }

        return result;
    }

    private static PresentedSignature ReadBearer(string value, WebhookRequest request) =>
        value.StartsWith(BearerScheme, StringComparison.OrdinalIgnoreCase)
            ? PresentedSignature.Over(default, Encoding.UTF8.GetBytes(value[BearerScheme.Length..].Trim()))
            : PresentedSignature.Invalid("Authorization header must use the Bearer scheme");
}
