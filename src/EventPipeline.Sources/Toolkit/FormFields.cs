using System.Text;

namespace EventPipeline.Sources.Toolkit;

/// <summary>
/// Decodes <c>application/x-www-form-urlencoded</c> text (Twilio status callbacks, query strings): <c>+</c> is a space,
/// <c>%XX</c> are UTF-8 bytes. Order and repeated names are kept, because Twilio's signature covers every parameter.
/// </summary>
internal static class FormFields
{
    /// <summary>Name/value pairs in body order.</summary>
    public static List<KeyValuePair<string, string>> Parse(string body)
    {
        ArgumentNullException.ThrowIfNull(body);
        // Walked in place (no split into part strings): each name and value is one string, made straight from the body
        // when it has nothing to decode.
        var pairs = new List<KeyValuePair<string, string>>();
        var rest = body.AsSpan();
        while (!rest.IsEmpty)
        {
            var amp = rest.IndexOf('&');
            var part = amp < 0 ? rest : rest[..amp];
            rest = amp < 0 ? [] : rest[(amp + 1)..];
            if (part.IsEmpty)
            {
                continue;
            }

            var eq = part.IndexOf('=');
            var name = eq < 0 ? part : part[..eq];
            var value = eq < 0 ? [] : part[(eq + 1)..];
            pairs.Add(new(Decode(name), Decode(value)));
        }

        return pairs;
    }

    /// <summary>Parses raw bytes (invalid UTF-8 becomes U+FFFD, which then fails the signature rather than throwing).</summary>
    public static List<KeyValuePair<string, string>> Parse(ReadOnlySpan<byte> body) => Parse(Encoding.UTF8.GetString(body));

    /// <summary>First value of a parameter, or null.</summary>
    public static string? First(IReadOnlyList<KeyValuePair<string, string>> pairs, string name)
    {
        foreach (var (k, v) in pairs)
        {
            if (string.Equals(k, name, StringComparison.Ordinal))
            {
                return v;
            }
        }

        return null;
    }

    // Uri.UnescapeDataString leaves malformed escapes as they are instead of throwing, which suits untrusted input.
    private static string Decode(ReadOnlySpan<char> text) =>
        text.ContainsAny('+', '%') ? Uri.UnescapeDataString(text.ToString().Replace('+', ' ')) : text.ToString();
}
