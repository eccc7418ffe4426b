namespace EventPipeline.Sources;

/// <summary>An HTTP request as the webhook endpoint received it, before any parsing.</summary>
/// <param name="Method">HTTP method, upper case.</param>
/// <param name="Url">The full public URL the provider posted to (Twilio signs it).</param>
/// <param name="Headers">Headers, names lower-cased.</param>
/// <param name="Body">Raw body bytes.</param>
public sealed record WebhookRequest(string Method, string Url, IReadOnlyDictionary<string, string> Headers, ReadOnlyMemory<byte> Body)
{
    /// <summary>Header value by case-insensitive name, or null.</summary>
    public string? Header(string name)
    {
        foreach (var (k, v) in Headers)
        {
            if (string.Equals(k, name, StringComparison.OrdinalIgnoreCase))
            {
                return v;
            }
        }

        return null;
    }
}
