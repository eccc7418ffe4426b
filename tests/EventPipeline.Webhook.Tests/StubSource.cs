using EventPipeline.Domain;
using EventPipeline.Sources;

namespace EventPipeline.Webhook.Tests;

/// <summary>
/// A source whose adapter and authenticator the test controls: authentic when header <c>x-test-token</c> equals a
/// secret; the adapter runs <see cref="Adapt"/>.
/// </summary>
public sealed class StubSource : ISourceAdapter, IWebhookAuthenticator, IWebhookSigner
{
    public StubSource(string name, Func<IngestEnvelope, AdapterResult> adapt)
    {
        Name = name;
        Adapt = adapt;
    }

    public string Name { get; }

    public Func<IngestEnvelope, AdapterResult> Adapt { get; set; }

    public int AdaptCalls { get; private set; }

    public SourceRegistration Registration => new(Name, this, this, this);

    public static CanonicalEvent Event(string tenant, string source, string id, EntityRef entity) =>
        new(tenant, source, id, "test", WebhookTestKit.Now, entity, new Dictionary<string, decimal>(), new Dictionary<string, string>());

    /// <summary>The catalog plus stubs for any of <paramref name="stubs"/> whose name is not registered.</summary>
    public static IReadOnlyDictionary<string, SourceRegistration> CatalogWith(params StubSource[] stubs)
    {
        var all = new Dictionary<string, SourceRegistration>(WebhookTestKit.Catalog, StringComparer.OrdinalIgnoreCase);
        foreach (var stub in stubs)
        {
            all[stub.Name] = stub.Registration;
        }

        return all;
    }

    public ValueTask<AdapterResult> AdaptAsync(IngestEnvelope envelope, CancellationToken cancellationToken)
    {
        AdaptCalls++;
        return ValueTask.FromResult(Adapt(envelope));
    }

    public AuthResult Verify(WebhookRequest request, IReadOnlyList<string> secrets, DateTimeOffset now) =>
        request.Header("x-test-token") is { } token && secrets.Contains(token) ? AuthResult.Valid : AuthResult.Invalid("test token mismatch");

    public IReadOnlyDictionary<string, string> Sign(ReadOnlySpan<byte> body, string url, string secret, DateTimeOffset now) =>
        new Dictionary<string, string> { ["x-test-token"] = secret };
}
