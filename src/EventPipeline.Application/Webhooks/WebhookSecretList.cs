using System.Text.Json;

namespace EventPipeline.Application.Webhooks;

/// <summary>Parses a stored secret list: a JSON array of strings, or comma-separated values. Blank entries are dropped.</summary>
public static class WebhookSecretList
{
    /// <summary>
    /// The secrets in <paramref name="value"/>: <c>["s1","s2"]</c> or <c>s1,s2</c> (a single secret is the one-element case).
    /// Throws <see cref="FormatException"/> (naming no secret) when the value starts like a JSON array but is not one of strings.
    /// </summary>
    public static IReadOnlyList<string> Parse(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return [];
        }

        var trimmed = value.Trim();
        if (trimmed.StartsWith('['))
        {
            return ParseJsonArray(trimmed);
        }

        return trimmed.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    }

    private static List<string> ParseJsonArray(string json)
    {
        var result = new List<string>();
        try
        {
            var r = new Utf8JsonReader(System.Text.Encoding.UTF8.GetBytes(json));
            r.Read();
            while (r.Read() && r.TokenType != JsonTokenType.EndArray)
            {
                if (r.TokenType != JsonTokenType.String)
                {
                    throw new FormatException("secret list: every element of the JSON array must be a string");
                }

                var s = r.GetString();
                if (!string.IsNullOrWhiteSpace(s))
                {
                    result.Add(s.Trim());
                }
            }

            if (r.TokenType != JsonTokenType.EndArray || r.Read())
            {
                throw new FormatException("secret list: must be exactly one JSON array of strings");
            }
        }
        catch (JsonException)
        {
            // The exception's message may quote the input (a secret): replace it with one that does not.
            throw new FormatException("secret list: must be a valid JSON array of strings or comma-separated values");
        }

        return result;
    }
}
