using System.Text.Json.Nodes;

namespace EventPipeline.StepFunctions.Local;

/// <summary>One attempt of a Task state.</summary>
/// <param name="Resource">The state's Resource ARN.</param>
/// <param name="Parameters">The evaluated Parameters (or the effective input when the state has none).</param>
/// <param name="ExecutionArn">The running execution.</param>
/// <param name="StateName">The Task state's name.</param>
/// <param name="Attempt">1 for the first attempt, 2 for the first retry, ...</param>
public sealed record TaskInvocation(string Resource, JsonNode? Parameters, string ExecutionArn, string StateName, int Attempt);
