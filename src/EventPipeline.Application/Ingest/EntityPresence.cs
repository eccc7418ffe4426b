namespace EventPipeline.Application.Ingest;

/// <summary>
/// How often the entity items this instance did not have cached turned out to be stored: a decayed share over the
/// recent ones (observed from reads and from the outcome of guessed writes alike), deciding whether the claim round
/// guesses that uncached items are new. Guessing pays when share × price of a failed write &lt; price of a read: a
/// failed conditional write of an entity item (≤ 1 KB) bills 1 write unit and a consistent read 1 read unit, and DynamoDB
/// prices a write unit 5× a read unit (on-demand $0.625 vs $0.125 per million, us-east-1, 2024-11; provisioned alike), so
/// the break-even share is 0.2. A new instance starts at a share of 1 (reading first): a wrong guess is dearer than a
/// needless read, and a new instance usually meets entities that exist. Its reads then tell it how many do not (about 25
/// new ones in a row bring the share under 0.2).
/// </summary>
public sealed class EntityPresence
{
    /// <summary>The share of stored items below which guessing costs less than reading first.</summary>
    public const double BreakEvenShare = 0.2;

    /// <summary>Weight of the newest observation (the share follows about the last 16).</summary>
    private const double Weight = 1.0 / 16;

    private readonly Lock _gate = new();
    private double _share = 1;

    /// <summary>The decayed share of uncached entity items found stored.</summary>
    public double Share
    {
        get
        {
            lock (_gate)
            {
                return _share;
            }
        }
    }

    /// <summary>Whether the next batch should write its uncached entity items without reading them first.</summary>
    public bool GuessNew => Share < BreakEvenShare;

    /// <summary>Records what became of <paramref name="uncached"/> items: <paramref name="stored"/> of them existed.</summary>
    public void Observe(int uncached, int stored)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(stored);
        ArgumentOutOfRangeException.ThrowIfLessThan(uncached, stored);
        if (uncached == 0)
        {
            return;
        }

        // The n observations as one step, whatever their order: the old share keeps (1 - w)^n of its weight.
        var kept = Math.Pow(1 - Weight, uncached);
        lock (_gate)
        {
            _share = (_share * kept) + ((double)stored / uncached * (1 - kept));
        }
    }
}
