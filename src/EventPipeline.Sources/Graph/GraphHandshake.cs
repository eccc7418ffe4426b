using System.Diagnostics.CodeAnalysis;
using EventPipeline.Sources.Toolkit;

namespace EventPipeline.Sources.Graph;

/// <summary>
/// Graph's subscription validation: when a subscription is created, Graph POSTs to the notification URL with a
/// <c>validationToken</c> query parameter and expects, within 10 seconds, 200 with the decoded token as <c>text/plain</c>.
/// The webhook function answers that itself; this only extracts the token.
/// </summary>
public static class GraphHandshake
{
    /// <summary>The decoded <c>validationToken</c> query parameter of <paramref name="url"/>, when present.</summary>
    public static bool TryGetValidationToken(string? url, [NotNullWhen(true)] out string? token)
    {
        token = null;
        if (string.IsNullOrEmpty(url))
        {
            return false;
        }

        var q = url.IndexOf('?', StringComparison.Ordinal);
        if (q < 0)
        {
            return false;
        }

        var query = url[(q + 1)..];
        var hash = query.IndexOf('#', StringComparison.Ordinal);
        token = FormFields.First(FormFields.Parse(hash >= 0 ? query[..hash] : query), "validationToken");
        return token is not null;
    }
}
