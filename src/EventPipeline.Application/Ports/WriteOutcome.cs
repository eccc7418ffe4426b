namespace EventPipeline.Application.Ports;

/// <summary>What a conditional write of an aggregate did.</summary>
public enum WriteOutcome
{
    /// <summary>The item is stored with the new version.</summary>
    Written,

    /// <summary>Another writer changed the item first; re-read and fold again.</summary>
    Conflict,

    /// <summary>The store failed or throttled the write beyond its retries; the record is retried later.</summary>
    Unavailable,
}
