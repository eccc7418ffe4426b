using System.Text;
using EventPipeline.Application.Ports;
using EventPipeline.Lambda;
using EventPipeline.Lambda.Events;
using EventPipeline.Sources;
using EventPipeline.Sources.Signing;
using EventPipeline.Sources.Tests;
using EventPipeline.Testing;
using Microsoft.Extensions.Time.Testing;

namespace EventPipeline.Webhook.Tests;

/// <summary>Builds the function under test with fakes, and signed API Gateway requests for it.</summary>
public static class WebhookTestKit
{
    public const string Tenant = "acme";
    public const string PublicBase = "https://hooks.example.com";

    /// <summary>The symmetric secret (the Graph samples embed it as clientState, so it must be this one).</summary>
    public const string Shared = TestSecrets.Shared;

    public const string Rotated = TestSecrets.Rotated;

    public static readonly DateTimeOffset Now = new(2024, 5, 2, 10, 0, 0, TimeSpan.Zero);

    private static readonly HttpClient Http = new();

    /// <summary>Every registered source; Graph enrichment points at a closed local port so it fails fast (transient).</summary>
    public static IReadOnlyDictionary<string, SourceRegistration> Catalog { get; } = SourceCatalog.Create(new SourceDependencies
    {
        HttpClient = Http,
        GraphBaseUrl = new Uri("http://127.0.0.1:9/v1.0/"),
        FetchRetries = 1, // Polly requires at least one retry attempt.
        FetchTimeout = TimeSpan.FromSeconds(1),
    });

    /// <summary>The secret a provider signs with (SendGrid: PKCS#8 private key); index 0 current, 1 another.</summary>
    public static string SigningSecret(string source, int index = 0) => TestSecrets.Signing(source, index);

    /// <summary>The secret configured for verification (SendGrid: SPKI public key).</summary>
    public static string VerifyingSecret(string source, int index = 0) => TestSecrets.Verifying(source, index);

    public static Fixture Create(
        IReadOnlyDictionary<string, SourceRegistration>? sources = null,
        IWebhookSecrets? secrets = null,
        string? publicBaseUrl = null)
    {
        var clock = new FakeTimeProvider(Now);
        var stream = new InMemoryEventStream(clock);
        var logText = new StringWriter();
        var host = new FunctionHost { Environment = name => name == "LOG_LEVEL" ? "Debug" : null, Output = logText, MetricsOutput = TextWriter.Null, Clock = clock };
        var function = WebhookComposition.Create(sources ?? Catalog, secrets ?? AllSources(), stream, host, publicBaseUrl);
        return new Fixture(function, stream, logText);
    }

    /// <summary>The test tenant's verifying secret for every source; other tenants have none.</summary>
    public static InMemoryWebhookSecrets AllSources()
    {
        var secrets = new InMemoryWebhookSecrets();
        foreach (var source in Catalog.Keys)
        {
            secrets.With(Tenant, source, VerifyingSecret(source));
        }

        return secrets;
    }

    /// <summary>An HTTP API v2 request for <paramref name="signed"/>, as API Gateway delivers it on hooks.example.com.</summary>
    public static APIGatewayHttpApiV2ProxyRequest ToApiRequest(SignedWebhookRequest signed, string method = "POST", bool base64 = false)
    {
        var uri = new Uri(signed.Url);
        var segments = uri.AbsolutePath.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var bodyBytes = signed.Body.ToArray();
        return new APIGatewayHttpApiV2ProxyRequest
        {
            RouteKey = "POST /webhooks/{tenant}/{source}",
            RawPath = uri.AbsolutePath,
            RawQueryString = uri.Query.TrimStart('?'),
            Headers = signed.Headers.ToDictionary(h => h.Key, h => h.Value),
            PathParameters = new Dictionary<string, string>
            {
                ["tenant"] = Uri.UnescapeDataString(segments[^2]),
                ["source"] = Uri.UnescapeDataString(segments[^1]),
            },
            RequestContext = new APIGatewayHttpApiV2ProxyRequest.ProxyRequestContext
            {
                DomainName = uri.Host,
                RequestId = "req-1",
                Http = new APIGatewayHttpApiV2ProxyRequest.HttpDescription { Method = method, Path = uri.AbsolutePath },
            },
            Body = base64 ? Convert.ToBase64String(bodyBytes) : Encoding.UTF8.GetString(bodyBytes),
            IsBase64Encoded = base64,
        };
    }

    /// <summary>A sample signed by its source's signer with the current secret.</summary>
    public static SignedWebhookRequest Signed(SampleCase sample, int secretIndex = 0, DateTimeOffset? at = null) =>
        Signed(sample.Source, sample.Body, sample.Headers, secretIndex, at);

    public static SignedWebhookRequest Signed(string source, byte[] body, IReadOnlyDictionary<string, string>? headers, int secretIndex = 0, DateTimeOffset? at = null) =>
        WebhookRequestBuilder.Build(Catalog[source], Tenant, body, headers, SigningSecret(source, secretIndex), PublicBase, at ?? Now);

    public static ILambdaContext Context() => new LambdaContext("req-1", "arn:aws:lambda:us-east-1:000000000000:function:webhook", Now.AddSeconds(30), null, "webhook");

}

public sealed record Fixture(WebhookFunction Function, InMemoryEventStream Stream, StringWriter Log)
{
    public Task<APIGatewayHttpApiV2ProxyResponse> Handle(APIGatewayHttpApiV2ProxyRequest request) =>
        Function.HandleAsync(request, WebhookTestKit.Context(), CancellationToken.None);
}
