namespace EventPipeline.Aws.Clients;

/// <summary>One entry per input record, in order; ErrorCode set when that record failed.</summary>
public sealed record PutRecordsResult(int FailedRecordCount, IReadOnlyList<PutRecordsResultEntry> Records);
