namespace EventPipeline.Sources.Toolkit;

/// <summary>
/// How a provider writes a MAC into its signature header. Verification reads the header and the signer writes it
/// from this one definition, so the two cannot drift apart.
/// </summary>
internal sealed class MacText
{
    private readonly string prefix;
    private readonly bool base64;
    private readonly string? listKey;
    private readonly bool namesTheRule;

    private MacText(string prefix, bool base64, string? listKey, bool namesTheRule)
    {
        this.prefix = prefix;
        this.base64 = base64;
        this.listKey = listKey;
        this.namesTheRule = namesTheRule;
    }

    /// <summary>The MAC as base64 (Shopify, Twilio, Zendesk).</summary>
    public static MacText Base64 { get; } = new("", base64: true, listKey: null, namesTheRule: false);

    /// <summary>The MAC as hex after <paramref name="prefix"/> (GitHub's <c>sha256=</c>); read in either case, written in lower case.</summary>
    public static MacText Hex(string prefix = "") => new(prefix, base64: false, listKey: null, namesTheRule: false);

    /// <summary>
    /// Hex MACs as <c>key=hex</c> entries of a comma-separated list (PagerDuty's and Stripe's <c>v1</c>): providers list
    /// one per active secret while they rotate one, and any entry may match.
    /// </summary>
    public static MacText HexList(string key) => new(key + "=", base64: false, listKey: key, namesTheRule: false);

    /// <summary>
    /// The same text, answering a malformed header with the rule it broke (<c>X-Signature is not hex</c>) instead of
    /// <c>malformed X-Signature header</c>: the wording Jira and Segment senders have always been given.
    /// </summary>
    public MacText NamingTheRule() => new(prefix, base64, listKey, namesTheRule: true);

    /// <summary>The header value for <paramref name="mac"/>.</summary>
    public string Format(byte[] mac) => prefix + (base64 ? Convert.ToBase64String(mac) : Convert.ToHexStringLower(mac));

    /// <summary>The MACs a (trimmed) header value presents over <paramref name="payload"/>, or why it cannot be read.</summary>
    public PresentedSignature Read(string value, string header, ReadOnlyMemory<byte> payload)
    {
        if (listKey is not null)
        {
            return WebhookSignatures.HexValues(value, listKey) is { Count: > 0 } candidates
                ? PresentedSignature.Over(payload, candidates)
                : PresentedSignature.Invalid(WebhookSignatures.Malformed(header, $"no {listKey} signature"));
        }

        if (!value.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
        {
            return PresentedSignature.Invalid(namesTheRule ? $"{header} must start with {prefix}" : WebhookSignatures.Malformed(header));
        }

        var encoded = value[prefix.Length..];
        return (base64 ? WebhookSignatures.FromBase64(encoded) : WebhookSignatures.FromHex(encoded)) is { } candidate
            ? PresentedSignature.Over(payload, candidate)
            : PresentedSignature.Invalid(namesTheRule ? $"{header} is not {(base64 ? "base64" : "hex")}" : WebhookSignatures.Malformed(header));
    }
}
