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

    /// <summary>Maximum length of a channel name.</summary>
    public const int MaxLength = 512;

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

        if (channel.Length > MaxLength)
        {
            return $"must be at most {MaxLength} characters";
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
