namespace EventPipeline.Domain;

/// <summary>
/// Channel names a WebSocket client subscribes to. A channel is always scoped by the connection's tenant,
/// so the name itself never carries a tenant: <c>tenant</c>, <c>entity/{kind}/{id}</c>, <c>metric/{name}</c>,
/// <c>source/{source}</c>.
/// </summary>
public static class Channels
{
    /// <summary>Every change of the tenant.</summary>
    public const string Tenant = "tenant";

    /// <summary>
    /// Longest channel name in UTF-8 bytes: the longest entity channel, <c>entity/</c> + a 128-byte kind + <c>/</c> + a
    /// 1,024-byte id. The name becomes part of partition keys (<c>{tenant}#{channel}</c>, ≤ 2,048 bytes in DynamoDB), so
    /// it is measured in bytes, not characters.
    /// </summary>
    public const int MaxBytes = 7 + 128 + 1 + Names.MaxIdBytes;

    /// <summary>Channel for one entity's view.</summary>
    public static string ForEntity(EntityRef entity) => $"entity/{entity.Kind}/{entity.Id}";

    /// <summary>Channel for one metric's windows and total.</summary>
    public static string ForMetric(string metric) => $"metric/{metric}";

    /// <summary>Channel for changes touched by one source.</summary>
    public static string ForSource(string source) => $"source/{source}";

    /// <summary>Checks a channel name a client sent; returns null when valid, else the rule it broke.</summary>
    public static string? Validate(string? channel)
    {
        if (string.IsNullOrEmpty(channel))
        {
            return "required";
        }

        if (!Names.FitsUtf8(channel, MaxBytes))
        {
            return $"must be at most {MaxBytes} UTF-8 bytes";
        }

        if (channel == Tenant)
        {
            return null;
        }

        var parts = channel.Split('/');
        var ok = parts[0] switch
        {
            "entity" => parts.Length >= 3 && parts[1].Length > 0 && parts[2].Length > 0,
            "metric" => parts.Length >= 2 && parts[1].Length > 0,
            "source" => parts.Length == 2 && parts[1].Length > 0,
            _ => false,
        };
        if (!ok)
        {
            return "must be 'tenant', 'entity/{kind}/{id}', 'metric/{name}' or 'source/{source}'";
        }

        foreach (var c in channel)
        {
            if (char.IsControl(c))
            {
                return "must not contain control characters";
            }
        }

        return null;
    }
}
