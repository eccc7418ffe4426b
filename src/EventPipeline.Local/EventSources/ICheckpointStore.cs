namespace EventPipeline.Local.EventSources;

/// <summary>Where a mapping keeps, per shard, the sequence number of the last record it resolved.</summary>
public interface ICheckpointStore
{
    /// <summary>The checkpoint of one shard, or null.</summary>
    string? Get(string streamArn, string shardId);

    /// <summary>Records a checkpoint (called after every resolved batch).</summary>
    void Save(string streamArn, string shardId, string sequenceNumber);
}
