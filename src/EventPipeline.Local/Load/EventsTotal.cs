using System.Net.Http.Headers;
using System.Text.Json;

namespace EventPipeline.Local.Load;

/// <summary>A tenant's applied events: the all-time count of its <c>events</c> metric, read over REST as the tenant.</summary>
public static class EventsTotal
{
    /// <summary>The count; 0 before the first event, or while the REST API or its store does not answer.</summary>
    public static async Task<long> ReadAsync(HttpClient http, string restUrl, string token, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(restUrl);
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(restUrl.TrimEnd('/') + "/aggregates/metrics/events?granularity=day"));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        try
        {
            using var response = await http.SendAsync(request, ct);
            if (!response.IsSuccessStatusCode)
            {
                return 0;
            }

            using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct));
            return doc.RootElement.TryGetProperty("total", out var total) && total.TryGetProperty("count", out var count) ? count.GetInt64() : 0;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
        {
            return 0;
        }
    }
}
