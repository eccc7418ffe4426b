namespace EventPipeline.Sources;

/// <summary>What adapters may need from outside: a clock and, for thin sources, HTTP access to the provider's API.</summary>
public sealed class SourceDependencies
{
    /// <summary>Clock for receipt-time fallbacks and replay windows.</summary>
    public TimeProvider Clock { get; init; } = TimeProvider.System;

    /// <summary>
    /// HTTP client for enrichment fetches (Microsoft Graph); one per cold start. Give it no overall timeout
    /// (<see cref="Timeout.InfiniteTimeSpan"/>): <see cref="FetchTimeout"/> bounds each attempt, and HttpClient's own limit
    /// costs a timer per request.
    /// </summary>
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
