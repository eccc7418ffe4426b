namespace EventPipeline.Application.Ports;

/// <summary>What a client that asks for changes since a sequence gets.</summary>
/// <param name="Entries">Missed pushes in order (payloads are the push JSON as sent).</param>
/// <param name="Latest">The channel's latest sequence (0 when it never changed).</param>
/// <param name="Gap">True when some missed changes are no longer in the log: reload the aggregate instead.</param>
public sealed record ChangesSince(IReadOnlyList<ChangeEntry> Entries, long Latest, bool Gap);
