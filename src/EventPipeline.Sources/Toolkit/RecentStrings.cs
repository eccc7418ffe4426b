using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;

namespace EventPipeline.Sources.Toolkit;

/// <summary>
/// The strings a record repeats from the last records (its tenant, its source's name, its header names, a payload's
/// property names and short values such as a status or an action), handed back as the same instance instead of a new
/// string per record: a batch is mostly one tenant, a few sources and a few shapes of payload, and every record on the
/// stream is decoded. Per thread, so no lock and no race; a small table indexed by the bytes' length and
/// ends, so a miss costs one string and replaces one slot. Only plain ASCII text (no escapes) is looked up here: the
/// comparison is byte for char.
/// </summary>
internal static class RecentStrings
{
    private const int Slots = 256;

    /// <summary>The longest text kept: ids and free text rarely repeat, and would only push out what does.</summary>
    public const int MaxBytes = 32;

    [ThreadStatic]
    private static string?[]? table;

    /// <summary>The text of <paramref name="utf8"/>: a recent instance when one has these bytes, else a new one kept for next time.</summary>
    /// <param name="utf8">A JSON string's content without escapes (the caller checked for <c>\</c>).</param>
    public static string Of(ReadOnlySpan<byte> utf8)
    {
        if (utf8.Length is 0 or > MaxBytes || !Ascii.IsValid(utf8))
        {
            return utf8.Length == 0 ? "" : Encoding.UTF8.GetString(utf8);
        }

        var slots = table ??= new string?[Slots];
        var slot = (utf8.Length * 31 + utf8[0] * 7 + utf8[^1] * 3 + utf8[utf8.Length / 2]) & (Slots - 1);
        if (slots[slot] is { } recent && Ascii.Equals(utf8, recent))
        {
            return recent;
        }

        var made = Encoding.ASCII.GetString(utf8);
        slots[slot] = made;
        return made;
    }

    /// <summary>A JSON string value's text: the recent instance when its bytes have no escapes, else a new string.</summary>
    public static string Of(JsonElement stringValue)
    {
        var raw = JsonMarshal.GetRawUtf8Value(stringValue);
        return raw.Length - 2 <= MaxBytes && !raw.Contains((byte)'\\') ? Of(raw[1..^1]) : stringValue.GetString()!;
    }

    /// <summary>A JSON property's name: the recent instance when its bytes have no escapes, else a new string.</summary>
    public static string Of(JsonProperty property)
    {
        var raw = JsonMarshal.GetRawUtf8PropertyName(property);
        return raw.Length <= MaxBytes && !raw.Contains((byte)'\\') ? Of(raw) : property.Name;
    }
}
