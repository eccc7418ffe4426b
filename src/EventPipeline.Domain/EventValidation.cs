namespace EventPipeline.Domain;

/// <summary>
/// Limits a canonical event must respect before it is aggregated, so that no aggregate item can outgrow DynamoDB's
/// 400 KB item limit and every name is safe inside a key. A violation is a permanent rejection (dead-lettered).
/// </summary>
public static class EventValidation
{
    /// <summary>Maximum attributes per event.</summary>
    public const int MaxAttributes = 64;

    /// <summary>
    /// Maximum size of an attribute value in UTF-8 bytes (longer values are a rejection, not silently cut): 64 values of
    /// 2,048 bytes and their names stay far below DynamoDB's 400 KB item, whatever script they are written in.
    /// </summary>
    public const int MaxAttributeValueBytes = 2048;

    /// <summary>Maximum measures per event.</summary>
    public const int MaxMeasures = 32;

    /// <summary>Null when <paramref name="e"/> is acceptable; otherwise the first field and rule it breaks.</summary>
    public static Rejection? Check(CanonicalEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        if (!Names.IsValidTenant(e.Tenant))
        {
            return new Rejection("tenant", Names.TenantRule);
        }

        if (!Names.IsValidName(e.Source))
        {
            return new Rejection("source", Names.NameRule);
        }

        if (!Names.IsValidEventId(e.EventId))
        {
            return new Rejection("eventId", Names.EventIdRule);
        }

        if (string.IsNullOrEmpty(e.Type) || e.Type.Length > 256)
        {
            return new Rejection("type", "must be 1-256 characters");
        }

        if (!Names.IsValidName(e.Entity.Kind))
        {
            return new Rejection("entity.kind", Names.NameRule);
        }

        if (!Names.IsValidId(e.Entity.Id))
        {
            return new Rejection("entity.id", Names.IdRule);
        }

        if (e.OccurredAt.Year is < 1970 or > 9999)
        {
            return new Rejection("occurredAt", "must be between 1970 and 9999");
        }

        if (e.Attributes.Count > MaxAttributes)
        {
            return new Rejection("attributes", $"must have at most {MaxAttributes} entries");
        }

        foreach (var (name, value) in e.Attributes)
        {
            if (string.IsNullOrEmpty(name) || name.Length > 128)
            {
                return new Rejection("attributes", "names must be 1-128 characters");
            }

            if (!Names.FitsUtf8(value, MaxAttributeValueBytes))
            {
                return new Rejection($"attributes.{name}", $"must be at most {MaxAttributeValueBytes} UTF-8 bytes");
            }
        }

        if (e.Measures.Count > MaxMeasures)
        {
            return new Rejection("measures", $"must have at most {MaxMeasures} entries");
        }

        foreach (var name in e.Measures.Keys)
        {
            if (!Names.IsValidName(name) || name == Aggregation.Aggregator.EventsMetric)
            {
                return new Rejection($"measures.{name}", Names.NameRule + " and not be 'events'");
            }
        }

        return null;
    }
}
