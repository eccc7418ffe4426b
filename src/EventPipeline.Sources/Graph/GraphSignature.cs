using System.Text.Json;
using EventPipeline.Sources.Toolkit;

namespace EventPipeline.Sources.Graph;

/// <summary>
/// Microsoft Graph does not sign change notifications; the subscription's <c>clientState</c> secret is echoed in
/// every notification. Each notification's <c>clientState</c> must equal one of the active secrets (constant-time).
/// The check has to read the body's JSON, but only the <c>clientState</c> members. As the secret is inside the body,
/// <see cref="Sign"/> adds no headers: a sender puts the secret in <c>clientState</c> when it builds the body.
/// </summary>
public sealed class GraphSignature : IWebhookAuthenticator, IWebhookSigner
{
    /// <inheritdoc />
    public AuthResult Verify(WebhookRequest request, IReadOnlyList<string> secrets, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(request);
        var usable = WebhookSignatures.Usable(secrets);
        if (usable.Count == 0)
        {
            return AuthResult.Invalid(WebhookSignatures.NoSecret);
        }

        try
        {
            using var doc = JsonDocument.Parse(request.Body);
            if (doc.RootElement.ValueKind != JsonValueKind.Object ||
                !doc.RootElement.TryGetProperty("value", out var value) || value.ValueKind != JsonValueKind.Array || value.GetArrayLength() == 0)
            {
                return AuthResult.Invalid("body is not a notification collection");
            }

            var i = 0;
            foreach (var n in value.EnumerateArray())
            {
                if (n.ValueKind != JsonValueKind.Object || !n.TryGetProperty("clientState", out var cs) || cs.ValueKind != JsonValueKind.String)
                {
                    return AuthResult.Invalid($"value[{i}].clientState missing");
                }

                if (!WebhookSignatures.MatchesAny(cs.GetString()!, usable))
                {
                    return AuthResult.Invalid($"value[{i}].clientState mismatch");
                }

                i++;
            }

            return AuthResult.Valid;
        }
        catch (JsonException)
        {
            return AuthResult.Invalid("body is not valid JSON");
        }
    }

    /// <inheritdoc />
    public IReadOnlyDictionary<string, string> Sign(ReadOnlySpan<byte> body, string url, string secret, DateTimeOffset now) =>
        WebhookSignatures.Headers();
}
