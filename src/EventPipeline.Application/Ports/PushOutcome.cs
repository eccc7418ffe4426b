namespace EventPipeline.Application.Ports;

/// <summary>What posting to one connection did.</summary>
public enum PushOutcome
{
    /// <summary>The gateway accepted the message for the connection.</summary>
    Delivered,

    /// <summary>The connection no longer exists (410 Gone).</summary>
    Gone,

    /// <summary>The post failed (throttled, refused, timed out) after retries.</summary>
    Failed,
}
