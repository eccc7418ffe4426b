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

/// <summary>All 14 sources. Built once per cold start.</summary>
public static partial class SourceCatalog
{
    /// <summary>Every registered source, by name (case-insensitive).</summary>
    public static IReadOnlyDictionary<string, SourceRegistration> Create(SourceDependencies dependencies)
    {
        ArgumentNullException.ThrowIfNull(dependencies);
        var list = new List<SourceRegistration>();
        AddGroupA(list, dependencies);
        AddGroupB(list, dependencies);
        return list.ToDictionary(s => s.Name, StringComparer.OrdinalIgnoreCase);
    }

    // GitHub, Stripe, Shopify, PagerDuty, Zendesk, Twilio, SendGrid (SourceCatalog.A.cs).
    static partial void AddGroupA(List<SourceRegistration> list, SourceDependencies dependencies);

    // Segment, Salesforce CDC, Jira, EventBridge, CloudEvents, CSV, Microsoft Graph (SourceCatalog.B.cs).
    static partial void AddGroupB(List<SourceRegistration> list, SourceDependencies dependencies);
}
