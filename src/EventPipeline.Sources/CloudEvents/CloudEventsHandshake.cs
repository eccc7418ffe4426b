namespace EventPipeline.Sources.CloudEvents;

/// <summary>
/// The CloudEvents HTTP webhook abuse-protection handshake: the sender's <c>OPTIONS</c> request carries
/// <c>WebHook-Request-Origin</c> (and optionally <c>WebHook-Request-Rate</c>); the receiver grants delivery by answering
/// with <c>WebHook-Allowed-Origin</c> and <c>WebHook-Allowed-Rate</c>. The webhook function calls this and writes the headers.
/// </summary>
public static class CloudEventsHandshake
{
    /// <summary>
    /// Response headers for a validation request, or null when <paramref name="requestHeaders"/> has no
    /// <c>WebHook-Request-Origin</c> (not a handshake: answer 400).
    /// </summary>
    /// <param name="requestHeaders">The OPTIONS request's headers (any case).</param>
    /// <param name="allowedRate">Requests per minute granted; <c>*</c> grants any rate.</param>
    public static IReadOnlyDictionary<string, string>? ResponseHeaders(IReadOnlyDictionary<string, string> requestHeaders, string allowedRate = "*")
    {
        ArgumentNullException.ThrowIfNull(requestHeaders);
        string? origin = null;
        foreach (var (k, v) in requestHeaders)
        {
            if (string.Equals(k, "WebHook-Request-Origin", StringComparison.OrdinalIgnoreCase))
            {
                origin = v.Trim();
            }
        }

        if (string.IsNullOrEmpty(origin))
        {
            return null;
        }

        return new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            ["WebHook-Allowed-Origin"] = origin,
            ["WebHook-Allowed-Rate"] = allowedRate,
            ["Allow"] = "POST",
        };
    }
}
