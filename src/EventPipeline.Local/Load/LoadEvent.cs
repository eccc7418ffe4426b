namespace EventPipeline.Local.Load;

/// <summary>One generated event as a producer puts it.</summary>
/// <param name="Tenant">Its tenant.</param>
/// <param name="PartitionKey"><c>{tenant}:{entity}</c>, as the webhook intake keys records, so events spread over the shards.</param>
/// <param name="Data">The record bytes (an ingest envelope or a structured CloudEvent).</param>
public sealed record LoadEvent(string Tenant, string PartitionKey, byte[] Data);
