namespace EventPipeline.Application.Ports;

/// <summary>One logged push of a channel.</summary>
public sealed record ChangeEntry(long Sequence, string Payload);
