namespace EventPipeline.Aws;

/// <summary>Exponential backoff with full jitter (AWS's recommendation), capped.</summary>
public static class Backoff
{
    /// <summary>Delay before retry number <paramref name="attempt"/> (0-based).</summary>
    public static TimeSpan Delay(int attempt, int baseMs = 25, int capMs = 2000)
    {
        var ceiling = Math.Min(capMs, baseMs * (1 << Math.Min(attempt, 16)));
        return TimeSpan.FromMilliseconds(Random.Shared.Next(ceiling / 2, ceiling + 1));
    }
}
