using System.Globalization;

namespace EventPipeline.Sources.Toolkit;

/// <summary>
/// Timestamp rules for payloads and signature headers. Two text rules exist because providers differ: webhook-native
/// providers document RFC 3339 with an offset and an instant without one would be a guess, while the relayed and
/// legacy feeds (Segment, EventBridge, CloudEvents, CSV) have always been read with a missing offset meaning UTC.
/// </summary>
internal static class Timestamps
{
    /// <summary>The rule a rejected timestamp broke, for every text rule below.</summary>
    public const string Rfc3339Rule = "must be an RFC 3339 timestamp";

    private static readonly string[] Formats = ["yyyy-MM-dd'T'HH:mm:ssK", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK"];

    /// <summary>
    /// Parses an RFC 3339 date-time (<c>2024-04-17T17:18:10Z</c>, <c>2024-04-17T17:18:10.123+02:00</c>), keeping its
    /// offset. A zone is required. Fractions longer than .NET's 7 digits (Shopify sends 9) are truncated rather than rejected.
    /// </summary>
    public static bool TryParseRfc3339(string? text, out DateTimeOffset value)
    {
        value = default;
        if (string.IsNullOrEmpty(text) || text.Length < 20 || text.Length > 64)
        {
            return false;
        }

        if (TryParseCommonShape(text, offsetRequired: true, out value))
        {
            return true;
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
            return false;
        }

        return DateTimeOffset.TryParseExact(normalized, Formats, CultureInfo.InvariantCulture, DateTimeStyles.None, out value);
    }

    /// <summary>
    /// Parses an RFC 3339 / ISO 8601 date-time whose offset may be missing (read as UTC); the result is in UTC.
    /// </summary>
    public static bool TryParseAssumingUtc(string? text, out DateTimeOffset value)
    {
        value = default;
        if (text is { Length: >= 19 } && TryParseCommonShape(text, offsetRequired: false, out var common))
        {
            value = common.ToUniversalTime();
            return true;
        }

        // The shape check keeps culture-style dates such as 01/05/2024 (ambiguous day/month) out.
        return text is { Length: >= 19 } && char.IsAsciiDigit(text[0]) && text[4] == '-' && text[7] == '-' && text[10] is 'T' or 't' or ' ' &&
            DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out value);
    }

    /// <summary>
    /// The shape nearly every payload uses, read by hand: <c>yyyy-MM-ddTHH:mm:ss</c>, an optional fraction of 1 to 7
    /// digits, then <c>Z</c>, <c>±hh:mm</c> or (when <paramref name="offsetRequired"/> is false) nothing, which is kept as
    /// offset zero. The format-driven DateTimeOffset parsers cost more than the rest of a mapping, and every event has a
    /// timestamp. This only ever accepts text those parsers read as the same value (lower-case letters, longer fractions,
    /// other separators, years outside 1000-9998 and offsets beyond ±13:59 are left to them), so their rules still decide
    /// everything else, including what is rejected.
    /// </summary>
    private static bool TryParseCommonShape(string text, bool offsetRequired, out DateTimeOffset value)
    {
        value = default;
        var s = text.AsSpan();
        if (s.Length < 19 || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' || s[16] != ':'
            || !TryDigits(s.Slice(0, 4), out var year) || !TryDigits(s.Slice(5, 2), out var month) || !TryDigits(s.Slice(8, 2), out var day)
            || !TryDigits(s.Slice(11, 2), out var hour) || !TryDigits(s.Slice(14, 2), out var minute) || !TryDigits(s.Slice(17, 2), out var second)
            || year is < 1000 or > 9998 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month)
            || hour > 23 || minute > 59 || second > 59)
        {
            return false;
        }

        var i = 19;
        long fractionTicks = 0;
        if (i < s.Length && s[i] == '.')
        {
            var start = ++i;
            while (i < s.Length && char.IsAsciiDigit(s[i]))
            {
                i++;
            }

            var digits = i - start;
            if (digits is < 1 or > 7 || !TryDigits(s[start..i], out var fraction))
            {
                return false;
            }

            fractionTicks = fraction;
            for (var d = digits; d < 7; d++)
            {
                fractionTicks *= 10;
            }
        }

        TimeSpan offset;
        if (i == s.Length)
        {
            if (offsetRequired)
            {
                return false;
            }

            offset = TimeSpan.Zero;
        }
        else if (s[i] == 'Z' && i + 1 == s.Length)
        {
            offset = TimeSpan.Zero;
        }
        else if (s[i] is '+' or '-' && i + 6 == s.Length && s[i + 3] == ':'
            && TryDigits(s.Slice(i + 1, 2), out var offsetHours) && TryDigits(s.Slice(i + 4, 2), out var offsetMinutes)
            && offsetHours <= 13 && offsetMinutes <= 59)
        {
            offset = new TimeSpan(offsetHours, offsetMinutes, 0);
            offset = s[i] == '-' ? -offset : offset;
        }
        else
        {
            return false;
        }

        value = new DateTimeOffset(year, month, day, hour, minute, second, offset).AddTicks(fractionTicks);
        return true;
    }

    private static bool TryDigits(ReadOnlySpan<char> digits, out int value)
    {
        value = 0;
        foreach (var c in digits)
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }

            value = (value * 10) + (c - '0');
        }

        return true;
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

    /// <summary>Unix seconds written as digits (a signed timestamp header), false when not digits or out of range.</summary>
    public static bool TryParseUnixSeconds(string text, out DateTimeOffset value)
    {
        value = default;
        return long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) && TryFromUnixSeconds(seconds, out value);
    }

    /// <summary>Unix milliseconds to an instant, false before 1970 or after year 9999.</summary>
    public static bool TryFromUnixMilliseconds(long milliseconds, out DateTimeOffset value)
    {
        if (milliseconds is < 0 or > 253_402_300_799_999)
        {
            value = default;
            return false;
        }

        value = DateTimeOffset.FromUnixTimeMilliseconds(milliseconds);
        return true;
    }

    /// <summary>Renders an instant as Unix seconds (Stripe's <c>t=</c>, SendGrid's timestamp header).</summary>
    public static string FormatUnixSeconds(DateTimeOffset value) => value.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);

    /// <summary>Renders an instant as Zendesk's timestamp header does: RFC 3339, UTC, whole seconds.</summary>
    public static string FormatRfc3339(DateTimeOffset value) =>
        value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
