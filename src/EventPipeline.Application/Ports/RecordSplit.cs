using EventPipeline.Domain;

namespace EventPipeline.Application.Ports;

/// <summary>The user records of one stream record, or why it has none (a corrupt KPL aggregate).</summary>
public sealed record RecordSplit
{
    private RecordSplit(IReadOnlyList<ReadOnlyMemory<byte>> records, Rejection? error)
    {
        Records = records;
        Error = error;
    }

    /// <summary>The user records, in order; empty when <see cref="Error"/> is set.</summary>
    public IReadOnlyList<ReadOnlyMemory<byte>> Records { get; }

    /// <summary>Why the record could not be split.</summary>
    public Rejection? Error { get; }

    /// <summary>A record holding <paramref name="records"/>.</summary>
    public static RecordSplit Of(IReadOnlyList<ReadOnlyMemory<byte>> records) => new(records, null);

    /// <summary>A record that cannot be split.</summary>
    public static RecordSplit Corrupt(Rejection error) => new([], error);
}
