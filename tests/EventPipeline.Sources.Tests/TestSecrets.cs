using System.Security.Cryptography;

namespace EventPipeline.Sources.Tests;

/// <summary>A secret to sign with and the secret list the authenticator verifies with (the same for symmetric schemes).</summary>
public sealed record SecretPair(string SigningSecret, IReadOnlyList<string> VerifySecrets);

/// <summary>
/// Test secrets per source, shared by the source and webhook tests. Symmetric schemes use fixed strings (the Graph
/// samples carry <see cref="Shared"/> as <c>clientState</c>, so it must stay the current secret); SendGrid's event
/// webhook is ECDSA P-256, so it gets generated key pairs: the signer takes the private key (base64 PKCS#8 DER) and
/// the authenticator the public key (base64 SubjectPublicKeyInfo DER, the format SendGrid shows as the verification key).
/// Index 0 is the current secret, index 1 another one (rotation, or the wrong secret).
/// </summary>
public static class TestSecrets
{
    /// <summary>The symmetric test secret every sample that embeds a secret (Graph clientState) uses.</summary>
    public const string Shared = "test-secret-0123456789";

    /// <summary>A second active secret, so verification against a rotated list is exercised.</summary>
    public const string Rotated = "rotated-secret-9876543210";

    private static readonly Lazy<(string PrivateKey, string PublicKey)[]> SendGridKeys = new(() => [NewP256Key(), NewP256Key()]);

    /// <summary>
    /// Sources whose authenticity check does not cover the body: a bearer token relayed by an IAM-authenticated relay
    /// or producer (Salesforce, EventBridge, CloudEvents, CSV) or a secret inside the body (Graph's clientState).
    /// For them, "tampered body fails" does not apply; "wrong secret fails" does.
    /// </summary>
    public static readonly IReadOnlySet<string> BodyNotSigned =
        new HashSet<string>(["salesforce", "eventbridge", "cloudevents", "csv", "graph"], StringComparer.OrdinalIgnoreCase);

    /// <summary>The secret a provider signs with (SendGrid: a PKCS#8 private key, base64).</summary>
    public static string Signing(string source, int index = 0) =>
        IsSendGrid(source) ? SendGridKeys.Value[index].PrivateKey : index == 0 ? Shared : Rotated;

    /// <summary>The secret configured for verification (SendGrid: the public key, base64 SubjectPublicKeyInfo).</summary>
    public static string Verifying(string source, int index = 0) =>
        IsSendGrid(source) ? SendGridKeys.Value[index].PublicKey : index == 0 ? Shared : Rotated;

    /// <summary>The signing secret and the verify list (with a rotated extra secret) for a source.</summary>
    public static SecretPair For(string source) =>
        IsSendGrid(source)
            ? new SecretPair(Signing(source), [Verifying(source)])
            : new SecretPair(Shared, [Rotated, Shared]);

    /// <summary>Secrets that must not verify anything signed with <see cref="For"/>.</summary>
    public static IReadOnlyList<string> Wrong(string source) =>
        IsSendGrid(source) ? [Verifying(source, 1)] : ["wrong-secret-0123456789"];

    private static bool IsSendGrid(string source) => string.Equals(source, "sendgrid", StringComparison.OrdinalIgnoreCase);

    private static (string PrivateKey, string PublicKey) NewP256Key()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        return (Convert.ToBase64String(key.ExportPkcs8PrivateKey()), Convert.ToBase64String(key.ExportSubjectPublicKeyInfo()));
    }
}
