namespace EventPipeline.Application.Bus;

/// <summary>The names the bus's events carry, given by the composition from the topology.</summary>
/// <param name="Source">The events' <c>source</c> (<c>eventpipeline</c>).</param>
/// <param name="AggregateChanged">The <c>detail-type</c> of an applied change (<c>aggregate.changed</c>).</param>
/// <param name="Function">The function's name, recorded on its dead letters.</param>
public sealed record BusEventNames(string Source, string AggregateChanged, string Function);
