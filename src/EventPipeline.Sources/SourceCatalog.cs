using EventPipeline.Sources.CloudEvents;
using EventPipeline.Sources.Csv;
using EventPipeline.Sources.EventBridge;
using EventPipeline.Sources.GitHub;
using EventPipeline.Sources.Graph;
using EventPipeline.Sources.Jira;
using EventPipeline.Sources.PagerDuty;
using EventPipeline.Sources.Salesforce;
using EventPipeline.Sources.Segment;
using EventPipeline.Sources.SendGrid;
using EventPipeline.Sources.Shopify;
using EventPipeline.Sources.Stripe;
using EventPipeline.Sources.Twilio;
using EventPipeline.Sources.Zendesk;

namespace EventPipeline.Sources;

/// <summary>One source: its adapter, how its webhooks are authenticated, and how to sign a request like the provider does.</summary>
/// <param name="Name">The source's name in <c>/webhooks/{tenant}/{source}</c> and in envelopes.</param>
/// <param name="Adapter">Maps envelopes to canonical events.</param>
/// <param name="Authenticator">Checks the provider's signature on the raw request.</param>
/// <param name="Signer">Signs a request as the provider would (tests, the local CLI).</param>
public sealed record SourceRegistration(string Name, ISourceAdapter Adapter, IWebhookAuthenticator Authenticator, IWebhookSigner Signer);

/// <summary>What adapters may need from outside: a clock and, for thin sources, HTTP access to the provider's API.</summary>
public sealed class SourceDependencies
{
    /// <summary>Clock for receipt-time fallbacks and replay windows.</summary>
    public TimeProvider Clock { get; init; } = TimeProvider.System;

    /// <summary>HTTP client for enrichment fetches (Microsoft Graph); one per cold start.</summary>
    public HttpClient? HttpClient { get; init; }

    /// <summary>Base URL of the Microsoft Graph API; tests and the local stack point it at a local fake.</summary>
    public Uri GraphBaseUrl { get; init; } = new("https://graph.microsoft.com/v1.0/");

    /// <summary>Bearer token provider for Graph fetches (per tenant); null sends no Authorization header.</summary>
    public Func<string, CancellationToken, ValueTask<string?>>? GraphAccessToken { get; init; }

    /// <summary>Per-attempt timeout of enrichment fetches.</summary>
    public TimeSpan FetchTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Retries of an enrichment fetch before the record fails (retried later by the stream).</summary>
    public int FetchRetries { get; init; } = 3;
}

/// <summary>
/// All 14 sources, each an adapter and its signature scheme, registered under the adapter's own
/// <see cref="ISourceAdapter.Name"/> so a source's name is declared once, on its adapter. Built once per cold start.
/// </summary>
public static class SourceCatalog
{
    /// <summary>Every registered source, by name (case-insensitive).</summary>
    public static IReadOnlyDictionary<string, SourceRegistration> Create(SourceDependencies dependencies)
    {
        ArgumentNullException.ThrowIfNull(dependencies);
        // Without an injected client (e.g. a function that does not need one elsewhere) Graph gets its own, once per cold start.
        var http = dependencies.HttpClient ?? new HttpClient();
        SourceRegistration[] sources =
        [
            Register(new GitHubAdapter(), new GitHubSignature()),
            Register(new StripeAdapter(), new StripeSignature()),
            Register(new ShopifyAdapter(), new ShopifySignature()),
            Register(new PagerDutyAdapter(), new PagerDutySignature()),
            Register(new ZendeskAdapter(), new ZendeskSignature()),
            Register(new TwilioAdapter(), new TwilioSignature()),
            Register(new SendGridAdapter(), new SendGridSignature()),
            Register(new SegmentAdapter(), new SegmentSignature()),
            Register(new SalesforceAdapter(), new SalesforceSignature()),
            Register(new JiraAdapter(), new JiraSignature()),
            Register(new EventBridgeAdapter(), new EventBridgeSignature()),
            Register(new CloudEventsAdapter(), new CloudEventsSignature()),
            Register(new CsvAdapter(), new CsvSignature()),
            Register(new GraphAdapter(new GraphResourceFetcher(http, dependencies)), new GraphSignature()),
        ];
        return sources.ToDictionary(s => s.Name, StringComparer.OrdinalIgnoreCase);
    }

    // One object is both halves of a scheme: it verifies what the provider signs and signs as the provider does.
    private static SourceRegistration Register<TSignature>(ISourceAdapter adapter, TSignature signature)
        where TSignature : IWebhookAuthenticator, IWebhookSigner =>
        new(adapter.Name, adapter, signature, signature);
}
