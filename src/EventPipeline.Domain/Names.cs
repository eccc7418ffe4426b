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

    /// <summary>Entity ids: 1–1024 characters, no control characters.</summary>
    public const string IdRule = "must be 1-1024 characters without control characters";

    /// <summary>True when <paramref name="tenant"/> follows <see cref="TenantRule"/>.</summary>
    public static bool IsValidTenant(string? tenant) => IsToken(tenant, 64, allowDotColon: false);

    /// <summary>True when <paramref name="name"/> follows <see cref="NameRule"/>.</summary>
    public static bool IsValidName(string? name) => IsToken(name, 128, allowDotColon: true);

    /// <summary>True when <paramref name="id"/> follows <see cref="IdRule"/>.</summary>
    public static bool IsValidId(string? id)
    {
        if (string.IsNullOrEmpty(id) || id.Length > 1024)
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
