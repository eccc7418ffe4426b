using EventPipeline.Local.Deploy;

namespace EventPipeline.Local.Gateway;

/// <summary>
/// One HTTP API route (<c>GET /aggregates/entities/{kind}/{id}</c>) and how API Gateway matches it: the method, then
/// the path segment by segment, a literal segment over a <c>{variable}</c> over a greedy <c>{variable+}</c> (which
/// takes the rest of the path); the most specific route wins, and <c>$default</c> catches what none matches.
/// </summary>
public sealed record HttpRoute(DeployedApi Api, DeployedRoute Route, string Method, string Path, IReadOnlyList<string> Segments)
{
    /// <summary>Parses a deployed route's key.</summary>
    public static HttpRoute Parse(DeployedApi api, DeployedRoute route)
    {
        ArgumentNullException.ThrowIfNull(api);
        ArgumentNullException.ThrowIfNull(route);
        if (route.RouteKey == "$default")
        {
            return new HttpRoute(api, route, "ANY", "", []);
        }

        var space = route.RouteKey.IndexOf(' ', StringComparison.Ordinal);
        var method = route.RouteKey[..space];
        var path = route.RouteKey[(space + 1)..];
        return new HttpRoute(api, route, method, path, path.Trim('/').Split('/', StringSplitOptions.RemoveEmptyEntries));
    }

    /// <summary>The most specific route of <paramref name="routes"/> for a request, with its path parameters (URL-decoded).</summary>
    public static (HttpRoute Route, Dictionary<string, string> Parameters)? Match(IReadOnlyList<HttpRoute> routes, string method, string path)
    {
        ArgumentNullException.ThrowIfNull(routes);
        var segments = (path ?? "/").Trim('/').Split('/', StringSplitOptions.RemoveEmptyEntries);
        (HttpRoute Route, Dictionary<string, string> Parameters, int[] Score)? best = null;
        foreach (var route in routes)
        {
            if (route.Route.RouteKey == "$default" || (route.Method != "ANY" && !string.Equals(route.Method, method, StringComparison.OrdinalIgnoreCase)))
            {
                continue;
            }

            if (route.TryMatch(segments) is { } match && (best is null || Compare(match.Score, best.Value.Score) > 0))
            {
                best = (route, match.Parameters, match.Score);
            }
        }

        if (best is { } b)
        {
            return (b.Route, b.Parameters);
        }

        var fallback = routes.FirstOrDefault(r => r.Route.RouteKey == "$default");
        return fallback is null ? null : (fallback, new Dictionary<string, string>());
    }

    private (Dictionary<string, string> Parameters, int[] Score)? TryMatch(string[] request)
    {
        var parameters = new Dictionary<string, string>(StringComparer.Ordinal);
        var score = new int[Segments.Count];
        for (var i = 0; i < Segments.Count; i++)
        {
            var segment = Segments[i];
            if (segment.StartsWith('{') && segment.EndsWith("+}", StringComparison.Ordinal))
            {
                if (i >= request.Length)
                {
                    return null;
                }

                parameters[segment[1..^2]] = Uri.UnescapeDataString(string.Join('/', request[i..]));
                score[i] = 1;
                return (parameters, score);
            }

            if (i >= request.Length)
            {
                return null;
            }

            if (segment.StartsWith('{') && segment.EndsWith('}'))
            {
                parameters[segment[1..^1]] = Uri.UnescapeDataString(request[i]);
                score[i] = 2;
            }
            else if (string.Equals(segment, request[i], StringComparison.Ordinal))
            {
                score[i] = 3;
            }
            else
            {
                return null;
            }
        }

        return request.Length == Segments.Count ? (parameters, score) : null;
    }

    private static int Compare(int[] a, int[] b)
    {
        for (var i = 0; i < Math.Min(a.Length, b.Length); i++)
        {
            if (a[i] != b[i])
            {
                return a[i].CompareTo(b[i]);
            }
        }

        return a.Length.CompareTo(b.Length);
    }
}
