using System.Globalization;

namespace EventPipeline.Sources.Common;

/// <summary>Strict timestamp parsing shared by the group-A adapters and signature checks.</summary>
internal static class AdapterTime
{
    private static readonly string[] Formats = ["yyyy-MM-dd'T'HH:mm:ssK", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK"];

    /// <summary>
    /// Parses an RFC 3339 date-time (<c>2024-04-17T17:18:10Z</c>, <c>2024-04-17T17:18:10.123+02:00</c>). A zone is required.
    /// Fractions longer than .NET's 7 digits (Shopify sends 9) are truncated rather than rejected.
    /// </summary>
    public static bool TryParseRfc3339(string? text, out DateTimeOffset value)
    {
        value = default;
        if (string.IsNullOrEmpty(text) || text.Length < 20 || text.Length > 64)
        {
            return false;
        }

        var normalized = text.ToUpperInvariant();
        var dot = normalized.IndexOf('.', StringComparison.Ordinal);
        if (dot == 19)
        {
            var end = dot + 1;
            while (end < normalized.Length && char.IsAsciiDigit(normalized[end]))
            {
                end++;
            }

            if (end - dot - 1 > 7)
            {
                normalized = string.Concat(normalized.AsSpan(0, dot + 8), normalized.AsSpan(end));
            }
        }

        var last = normalized[^1];
        if (last != 'Z' && normalized[^3] != ':')
        {
            // Without an explicit zone the instant is ambiguous; RFC 3339 requires one.
            return false;
        }

        return DateTimeOffset.TryParseExact(normalized, Formats, CultureInfo.InvariantCulture, DateTimeStyles.None, out value);
    }

    /// <summary>Unix seconds to an instant, false when outside the representable range.</summary>
    public static bool TryFromUnixSeconds(long seconds, out DateTimeOffset value)
    {
        // DateTimeOffset's range is years 1..9999; anything outside is certainly not a real event time.
        if (seconds is < -62135596800 or > 253402300799)
        {
            value = default;
            return false;
        }

        value = DateTimeOffset.FromUnixTimeSeconds(seconds);
        return true;
    }

    /// <summary>Renders an instant the way the group-A providers do: RFC 3339, UTC, whole seconds.</summary>
    public static string FormatRfc3339(DateTimeOffset value) =>
        value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
