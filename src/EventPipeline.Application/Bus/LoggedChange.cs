namespace EventPipeline.Application.Bus;

/// <summary>One entry the Publish function wrote to the change log: the push a channel's subscribers got.</summary>
/// <param name="RecordId">The change-log stream record's sequence number (batch item failures name it).</param>
/// <param name="Tenant">The tenant.</param>
/// <param name="Channel">The channel it was pushed on.</param>
/// <param name="Sequence">Its sequence on that channel.</param>
/// <param name="Payload">The push, as sent (<c>{"type":"change","channel",…,"sequence",…,"data":{…}}</c>).</param>
public sealed record LoggedChange(string RecordId, string Tenant, string Channel, long Sequence, string Payload);
