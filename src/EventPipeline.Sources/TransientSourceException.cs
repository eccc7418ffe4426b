namespace EventPipeline.Sources;

/// <summary>A dependency failed in a way that may heal (timeout, 5xx, open circuit): retry the record, do not dead-letter it yet.</summary>
public sealed class TransientSourceException(string message, Exception? inner = null) : Exception(message, inner);
