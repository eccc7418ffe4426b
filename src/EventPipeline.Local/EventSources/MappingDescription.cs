namespace EventPipeline.Local.EventSources;

/// <summary>How a running mapping reads (shown by <c>/metrics/latency</c>, read by <c>load</c>).</summary>
/// <param name="Source"><c>stream</c>, or <c>consumer</c> for an enhanced fan-out consumer.</param>
/// <param name="BatchingWindowSeconds">Its batching window.</param>
/// <param name="IdlePollMilliseconds">How often it reads an idle shard.</param>
/// <param name="WokenByPuts">Whether puts through the local AWS endpoint wake it (a consumer's push).</param>
public sealed record MappingDescription(string Source, int BatchingWindowSeconds, double IdlePollMilliseconds, bool WokenByPuts);
