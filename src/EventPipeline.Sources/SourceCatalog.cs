using System.Collections.Frozen;
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
        // No overall timeout: the fetcher's resilience pipeline bounds each attempt (SourceDependencies.FetchTimeout).
        var http = dependencies.HttpClient ?? new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
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
        // Frozen: built once per cold start and looked up for every record, which a frozen map answers with less hashing.
        return sources.ToFrozenDictionary(s => s.Name, StringComparer.OrdinalIgnoreCase);
    }

    // One object is both halves of a scheme: it verifies what the provider signs and signs as the provider does.
    private static SourceRegistration Register<TSignature>(ISourceAdapter adapter, TSignature signature)
        where TSignature : IWebhookAuthenticator, IWebhookSigner =>
        new(adapter.Name, adapter, signature, signature);
}
