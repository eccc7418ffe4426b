namespace EventPipeline.Testing;

/// <summary>Thrown by an in-memory store to stop the caller mid-batch, as a crashed function would stop.</summary>
public sealed class SimulatedCrashException(string message) : Exception(message);
