namespace EventPipeline.Domain;

/// <summary>
/// Rules for names that become parts of storage keys and channel names. Checked when events enter the pipeline,
/// so keys never need escaping.
/// </summary>
public static class Names
{
    /// <summary>Tenants: 1–64 of <c>A-Z a-z 0-9 _ -</c>.</summary>
    public const string TenantRule = "must be 1-64 characters of A-Z, a-z, 0-9, '_' or '-'";

    /// <summary>Entity kinds, sources and metric names: 1–128 of <c>a-z A-Z 0-9 _ - . :</c>.</summary>
    public const string NameRule = "must be 1-128 characters of A-Z, a-z, 0-9, '_', '-', '.' or ':'";

    /// <summary>Longest entity id in UTF-8 bytes: the id is the entity item's sort key, and DynamoDB caps a sort key at 1,024 bytes.</summary>
    public const int MaxIdBytes = 1024;

    /// <summary>Longest event id in UTF-8 bytes: a late event's sort key is <c>{source}#{eventId}</c> (≤ 128 + 1 + 512 bytes).</summary>
    public const int MaxEventIdBytes = 512;

    /// <summary>Entity ids: 1–1024 UTF-8 bytes, no control characters.</summary>
    public const string IdRule = "must be 1-1024 UTF-8 bytes without control characters";

    /// <summary>Event ids: 1–512 UTF-8 bytes.</summary>
    public const string EventIdRule = "must be 1-512 UTF-8 bytes";

    /// <summary>True when <paramref name="tenant"/> follows <see cref="TenantRule"/>.</summary>
    public static bool IsValidTenant(string? tenant) => IsToken(tenant, 64, allowDotColon: false);

    /// <summary>True when <paramref name="name"/> follows <see cref="NameRule"/>.</summary>
    public static bool IsValidName(string? name) => IsToken(name, 128, allowDotColon: true);

    /// <summary>True when <paramref name="id"/> follows <see cref="IdRule"/>.</summary>
    public static bool IsValidId(string? id)
    {
        if (string.IsNullOrEmpty(id) || !FitsUtf8(id, MaxIdBytes))
        {
            return false;
        }

        foreach (var c in id)
        {
            if (char.IsControl(c))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>True when <paramref name="eventId"/> follows <see cref="EventIdRule"/>.</summary>
    public static bool IsValidEventId(string? eventId) => !string.IsNullOrEmpty(eventId) && FitsUtf8(eventId, MaxEventIdBytes);

    /// <summary>
    /// True when <paramref name="s"/> encodes to at most <paramref name="maxBytes"/> UTF-8 bytes (DynamoDB measures keys in
    /// UTF-8 bytes; a 3-byte script triples a name's size). Lone surrogates count as the 3 bytes of their replacement.
    /// </summary>
    public static bool FitsUtf8(string s, int maxBytes)
    {
        ArgumentNullException.ThrowIfNull(s);
        return s.Length <= maxBytes && (s.Length * 3 <= maxBytes || System.Text.Encoding.UTF8.GetByteCount(s) <= maxBytes);
    }

    private static bool IsToken(string? s, int max, bool allowDotColon)
    {
        if (string.IsNullOrEmpty(s) || s.Length > max)
        {
            return false;
        }

        foreach (var c in s)
        {
            var ok = char.IsAsciiLetterOrDigit(c) || c == '_' || c == '-' || (allowDotColon && (c == '.' || c == ':'));
            if (!ok)
            {
                return false;
            }
        }

        return true;
    }
}
