using EventPipeline.Application.Ports;
using EventPipeline.Domain;

namespace EventPipeline.Aws.Kinesis;

/// <summary>KPL de-aggregation as an <see cref="IRecordSplitter"/>; plain records pass through as one user record.</summary>
public sealed class KplRecordSplitter : IRecordSplitter
{
    /// <inheritdoc />
    public RecordSplit Split(ReadOnlyMemory<byte> data)
    {
        if (!KplAggregation.IsAggregated(data.Span))
        {
            return RecordSplit.Of([data]);
        }

        var result = KplAggregation.Deaggregate("0", "", data);
        return result.Succeeded
            ? RecordSplit.Of(result.Records.Select(r => r.Data).ToList())
            : RecordSplit.Corrupt(new Rejection("record", result.Error!));
    }
}
