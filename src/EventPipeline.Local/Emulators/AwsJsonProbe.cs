using System.Globalization;
using System.Net;
using System.Text;

namespace EventPipeline.Local.Emulators;

/// <summary>
/// Readiness check against an emulator's real API: one AWS JSON-protocol call (e.g. ListStreams, ListTables).
/// Both emulators accept any credentials but reject requests without <c>Authorization</c> and <c>X-Amz-Date</c>,
/// so the request carries a well-formed SigV4 header with a dummy signature — nothing secret is involved.
/// </summary>
internal static class AwsJsonProbe
{
    private static readonly HttpClient Http = new(new SocketsHttpHandler { UseProxy = false, PooledConnectionLifetime = TimeSpan.FromSeconds(5) })
    {
        Timeout = TimeSpan.FromSeconds(5),
    };

    /// <summary>True when <paramref name="endpoint"/> answers the call with HTTP 200.</summary>
    /// <param name="endpoint">Emulator base URL.</param>
    /// <param name="target">X-Amz-Target, e.g. <c>Kinesis_20131202.ListStreams</c>.</param>
    /// <param name="jsonVersion"><c>1.0</c> (DynamoDB) or <c>1.1</c> (Kinesis).</param>
    /// <param name="service">Signing name in the credential scope.</param>
    /// <param name="region">Region in the credential scope.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public static async Task<bool> IsReadyAsync(Uri endpoint, string target, string jsonVersion, string service, string region, CancellationToken cancellationToken)
    {
        var now = DateTime.UtcNow;
        var date = now.ToString("yyyyMMdd", CultureInfo.InvariantCulture);
        using var request = new HttpRequestMessage(HttpMethod.Post, endpoint)
        {
            Content = new StringContent("{}", Encoding.UTF8),
        };
        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue($"application/x-amz-json-{jsonVersion}");
        request.Headers.TryAddWithoutValidation("X-Amz-Target", target);
        request.Headers.TryAddWithoutValidation("X-Amz-Date", now.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture));
        request.Headers.TryAddWithoutValidation(
            "Authorization",
            $"AWS4-HMAC-SHA256 Credential=local/{date}/{region}/{service}/aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature={new string('0', 64)}");
        using var response = await Http.SendAsync(request, cancellationToken);
        return response.StatusCode == HttpStatusCode.OK;
    }
}
