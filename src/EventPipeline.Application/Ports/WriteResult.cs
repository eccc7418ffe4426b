namespace EventPipeline.Application.Ports;

/// <summary>
/// What a conditional write of an aggregate did, and on a conflict the item that won when the store returned it
/// (DynamoDB's <c>ReturnValuesOnConditionCheckFailure = ALL_OLD</c>: strongly consistent, no read units), so the writer
/// folds again onto it without a read.
/// </summary>
/// <param name="Outcome">Written, conflict or unavailable.</param>
/// <param name="Current">On a conflict, the stored item the write lost to; null when the store returned none (re-read it).</param>
public readonly record struct WriteResult(WriteOutcome Outcome, StoredAggregate? Current = null)
{
    /// <summary>The item is stored with the new version.</summary>
    public static WriteResult Written { get; } = new(WriteOutcome.Written);

    /// <summary>The store failed or refused the write.</summary>
    public static WriteResult Unavailable { get; } = new(WriteOutcome.Unavailable);

    /// <summary>Another writer got there first; <paramref name="current"/> is what it stored, if the store said.</summary>
    public static WriteResult Conflict(StoredAggregate? current) => new(WriteOutcome.Conflict, current);
}
