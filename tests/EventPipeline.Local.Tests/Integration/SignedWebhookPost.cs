using EventPipeline.Sources.Signing;

namespace EventPipeline.Local.Tests.Integration;

/// <summary>Posts a signed webhook request as the provider would send it (content type on the content, the rest as headers).</summary>
internal static class SignedWebhookPost
{
    public static async Task<HttpResponseMessage> SendAsync(HttpClient http, SignedWebhookRequest signed)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, signed.Url) { Content = new ByteArrayContent(signed.Body.ToArray()) };
        foreach (var (name, value) in signed.Headers)
        {
            if (string.Equals(name, "content-type", StringComparison.OrdinalIgnoreCase))
            {
                request.Content.Headers.TryAddWithoutValidation(name, value);
            }
            else
            {
                request.Headers.TryAddWithoutValidation(name, value);
            }
        }

        return await http.SendAsync(request);
    }
}
