using EventPipeline.Domain;

namespace EventPipeline.Application;

/// <summary>
/// The checks every canonical event passes before it may be applied, shared by Ingest (which dead-letters a failing
/// record) and the webhook (which refuses it with 400), so that a webhook's 202 means Ingest will accept the event.
/// </summary>
public static class EventAcceptance
{
    /// <summary>The first rule an event of <paramref name="events"/> breaks, or null when all may be applied.</summary>
    public static Rejection? Check(IReadOnlyList<CanonicalEvent> events, string envelopeTenant)
    {
        ArgumentNullException.ThrowIfNull(events);
        foreach (var e in events)
        {
            if (EventValidation.Check(e) is { } invalid)
            {
                return invalid;
            }

            if (e.Tenant != envelopeTenant)
            {
                return new Rejection("tenant", "must equal the envelope's tenant");
            }
        }

        return null;
    }
}
