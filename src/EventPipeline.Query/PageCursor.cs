using System.Text;

namespace EventPipeline.Query;

/// <summary>
/// The opaque <c>cursor</c> of paged answers: a version tag and the page's position, base64url-encoded. It holds only
/// names and ids of the caller's own tenant (the tenant always comes from the token), so a forged cursor addresses
/// nothing the caller could not already read.
/// </summary>
internal static class PageCursor
{
    /// <summary>Separates a cursor's parts: ids and names hold no control characters.</summary>
    public const char Separator = '\n';

    /// <summary>The cursor for <paramref name="parts"/> under <paramref name="tag"/>.</summary>
    public static string Encode(string tag, params string[] parts) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes(tag + ":" + string.Join(Separator, parts))).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>The parts of a cursor made by <see cref="Encode"/> with <paramref name="tag"/>, or null when it is not one.</summary>
    public static string[]? Decode(string cursor, string tag, int parts)
    {
        try
        {
            var b64 = cursor.Replace('-', '+').Replace('_', '/');
            b64 = b64.PadRight(b64.Length + ((4 - (b64.Length % 4)) % 4), '=');
            var text = Encoding.UTF8.GetString(Convert.FromBase64String(b64));
            if (text.StartsWith(tag + ":", StringComparison.Ordinal) && text[(tag.Length + 1)..].Split(Separator) is { } found && found.Length == parts)
            {
                return found;
            }
        }
        catch (FormatException)
        {
        }

        return null;
    }
}
