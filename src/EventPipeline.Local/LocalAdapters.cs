using System.Globalization;
using EventPipeline.Aws.DeadLetters;
using EventPipeline.Local.EventSources;

namespace EventPipeline.Local;

/// <summary>The pollers' on-failure destination: one dead-letter entry per given-up record, with its bytes and why.</summary>
public sealed class DeadLetterFailureDestination(IDeadLetterSink sink, string function) : IFailureDestination
{
    /// <inheritdoc />
    public Task SendAsync(StreamFailureRecord record, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        var entries = new List<DeadLetterEntry>(record.Records.Count);
        for (var i = 0; i < record.Records.Count; i++)
        {
            var sequence = i < record.SequenceNumbers.Count ? record.SequenceNumbers[i]
                : i == 0 ? record.StartSequenceNumber
                : $"{record.StartSequenceNumber}+{i.ToString(CultureInfo.InvariantCulture)}";
            var category = record.Condition == FailureConditions.RecordAgeExceeded ? "record-age-exceeded" : "retries-exhausted";
            var rule = record.ErrorMessage is { Length: > 0 } m ? $"{record.Condition}: {m}" : record.Condition;
            entries.Add(new DeadLetterEntry
            {
                Id = $"{record.ShardId}/{sequence}",
                Category = category,
                Field = "record",
                Rule = rule,
                Reason = $"record: {rule}",
                Function = function,
                StreamArn = record.StreamArn,
                ShardId = record.ShardId,
                SequenceNumber = sequence,
                PartitionKey = i < record.PartitionKeys.Count ? record.PartitionKeys[i] : "",
                Data = Convert.FromBase64String(record.Records[i]),
                Attempts = record.ApproximateInvokeCount,
                ApproximateArrivalTimestamp = record.ApproximateArrivalOfFirstRecord,
                DeadLetteredAt = record.Timestamp,
            });
        }

        return sink.SendAsync(entries, cancellationToken);
    }
}
