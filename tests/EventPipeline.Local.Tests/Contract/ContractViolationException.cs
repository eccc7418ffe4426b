namespace EventPipeline.Local.Tests.Contract;

/// <summary>Real traffic that differs from docs/api: what was sent or received, and how it differs.</summary>
public sealed class ContractViolationException(string message) : Exception(message);
