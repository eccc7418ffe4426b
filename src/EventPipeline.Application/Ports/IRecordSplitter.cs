namespace EventPipeline.Application.Ports;

/// <summary>Splits a stream record into its user records (KPL de-aggregation), or says why it cannot.</summary>
public interface IRecordSplitter
{
    /// <summary>The user records of <paramref name="data"/>; a plain record is one user record.</summary>
    RecordSplit Split(ReadOnlyMemory<byte> data);
}
