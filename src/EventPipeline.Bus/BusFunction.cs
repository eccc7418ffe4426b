using System.Diagnostics;
using System.Globalization;
using EventPipeline.Application.Bus;
using EventPipeline.Aws.Connections;
using EventPipeline.Lambda;
using EventPipeline.Lambda.Events;

namespace EventPipeline.Bus;

/// <summary>
/// Change-log stream → event bus. Thin: new change-log entries become <see cref="LoggedChange"/>s for
/// <see cref="ChangeBroadcast"/>; the records the bus could not take now are reported as batch item failures, so the
/// mapping retries from the first of them (and after its retries hands the range to its on-failure destination).
/// </summary>
public sealed class BusFunction(ChangeBroadcast broadcast, LambdaLog? log = null, EmfMetrics? metrics = null)
{
    private readonly LambdaLog _log = log ?? new LambdaLog(TextWriter.Null);

    /// <summary>Lambda handler.</summary>
    public async Task<StreamsEventResponse> HandleAsync(DynamoDBEvent input, ILambdaContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(context);
        var started = Stopwatch.GetTimestamp();
        try
        {
            var result = await broadcast.ProcessAsync(ToChanges(input), cancellationToken);
            metrics?.Increment("Published", result.Published);
            metrics?.Increment("DeadLettered", result.DeadLettered);
            metrics?.Increment("FailedEntries", result.FailedRecordIds.Count);
            _log.WithRequestId(context.AwsRequestId).Information(
                "bus batch",
                ("records", input.Records.Count),
                ("published", result.Published),
                ("deadLettered", result.DeadLettered),
                ("failed", result.FailedRecordIds.Count),
                ("durationMs", Math.Round(Stopwatch.GetElapsedTime(started).TotalMilliseconds, 1)));
            return new StreamsEventResponse
            {
                BatchItemFailures = result.FailedRecordIds.Distinct(StringComparer.Ordinal).Select(id => new StreamsEventResponse.BatchItemFailure { ItemIdentifier = id }).ToList(),
            };
        }
        finally
        {
            metrics?.Flush();
        }
    }

    /// <summary>
    /// The batch's new change-log entries: every entry of each page <c>INSERT</c>ed under <c>C#{tenant}#{channel}</c>
    /// (<see cref="DynamoChangeLog"/>; an item of the earlier one-entry layout counts as a page of one). A rewrite of a page
    /// (a redelivered Publish batch) is not a new change, and the sequence heads are not entries. The entries of one page
    /// share its stream record's id: a failure of one fails the record back, and the bus's idempotency ids drop the
    /// entries it had taken.
    /// </summary>
    public static IReadOnlyList<LoggedChange> ToChanges(DynamoDBEvent input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var changes = new List<LoggedChange>(input.Records.Count);
        foreach (var r in input.Records)
        {
            if (r.EventName != "INSERT" || r.Dynamodb.NewImage is not { } image
                || !image.TryGetValue("pk", out var pk) || pk.S is not { } key || !key.StartsWith("C#", StringComparison.Ordinal)
                || !image.TryGetValue("sk", out var sk) || !long.TryParse(sk.S, NumberStyles.None, CultureInfo.InvariantCulture, out var first))
            {
                continue;
            }

            var separator = key.IndexOf('#', 2);
            if (separator < 0)
            {
                continue;
            }

            var payloads = image.TryGetValue(DynamoChangeLog.Payloads, out var l) && l.L is { Count: > 0 } list && list.All(v => v.S is not null)
                ? list.Select(v => v.S!).ToList()
                : null;
            var payload = image.TryGetValue(DynamoChangeLog.Payload, out var single) ? single.S : null;
            foreach (var entry in DynamoChangeLog.EntriesOf(first, payloads, payload))
            {
                changes.Add(new LoggedChange(r.Dynamodb.SequenceNumber, key[2..separator], key[(separator + 1)..], entry.Sequence, entry.Payload));
            }
        }

        return changes;
    }
}
