namespace EventPipeline.Application.Ports;

/// <summary>One channel's entries of an append: consecutive sequences allocated to one batch.</summary>
/// <param name="Tenant">The channel's tenant.</param>
/// <param name="Channel">The channel.</param>
/// <param name="Entries">Its entries, in sequence order.</param>
public sealed record ChannelAppend(string Tenant, string Channel, IReadOnlyList<ChangeEntry> Entries);
