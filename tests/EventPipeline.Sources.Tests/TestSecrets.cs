using System.Security.Cryptography;

namespace EventPipeline.Sources.Tests;

/// <summary>A secret to sign with and the secret list the authenticator verifies with (the same for symmetric schemes).</summary>
public sealed record SecretPair(string SigningSecret, IReadOnlyList<string> VerifySecrets);

/// <summary>
/// Test secrets per source. Symmetric schemes use a fixed string (the Graph samples carry it as <c>clientState</c>, so
/// it must stay <see cref="Shared"/>); SendGrid's event webhook is ECDSA P-256, so it gets a generated key pair: the
/// signer takes the private key (base64 PKCS#8 DER) and the authenticator the public key (base64 SubjectPublicKeyInfo
/// DER, the format SendGrid shows as the verification key).
/// </summary>
public static class TestSecrets
{
    /// <summary>The symmetric test secret every sample that embeds a secret (Graph clientState) uses.</summary>
    public const string Shared = "test-secret-0123456789";

    /// <summary>A second active secret, so verification against a rotated list is exercised.</summary>
    public const string Rotated = "rotated-secret-9876543210";

    private static readonly Lazy<SecretPair> SendGridPair = new(() =>
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        return new SecretPair(
            Convert.ToBase64String(key.ExportPkcs8PrivateKey()),
            [Convert.ToBase64String(key.ExportSubjectPublicKeyInfo())]);
    });

    private static readonly Lazy<SecretPair> OtherSendGridPair = new(() =>
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        return new SecretPair(
            Convert.ToBase64String(key.ExportPkcs8PrivateKey()),
            [Convert.ToBase64String(key.ExportSubjectPublicKeyInfo())]);
    });

    /// <summary>
    /// Sources whose authenticity check does not cover the body: a bearer token relayed by an IAM-authenticated relay
    /// or producer (Salesforce, EventBridge, CloudEvents, CSV) or a secret inside the body (Graph's clientState).
    /// For them, "tampered body fails" does not apply; "wrong secret fails" does.
    /// </summary>
    public static readonly IReadOnlySet<string> BodyNotSigned =
        new HashSet<string>(["salesforce", "eventbridge", "cloudevents", "csv", "graph"], StringComparer.OrdinalIgnoreCase);

    /// <summary>The signing secret and the verify list (with a rotated extra secret) for a source.</summary>
    public static SecretPair For(string source) =>
        string.Equals(source, "sendgrid", StringComparison.OrdinalIgnoreCase)
            ? SendGridPair.Value
            : new SecretPair(Shared, [Rotated, Shared]);

    /// <summary>Secrets that must not verify anything signed with <see cref="For"/>.</summary>
    public static IReadOnlyList<string> Wrong(string source) =>
        string.Equals(source, "sendgrid", StringComparison.OrdinalIgnoreCase)
            ? OtherSendGridPair.Value.VerifySecrets
            : ["wrong-secret-0123456789"];
}
