using EventPipeline.Local.Iam;
using EventPipeline.Topology;

namespace EventPipeline.Local.Deploy;

/// <summary>A Lambda function as the template defines it, with its environment resolved to local names and endpoints.</summary>
/// <param name="LogicalId">Its logical id.</param>
/// <param name="Key">Its <see cref="PipelineTopology.NameTag"/> (<c>ingest</c>, <c>publish</c>, …): which composition root hosts it.</param>
/// <param name="Name">The function name.</param>
/// <param name="Arn">The function ARN.</param>
/// <param name="Environment">The template's variables, resolved, plus what Lambda itself sets (region, credentials, name, memory).</param>
/// <param name="Timeout">The function timeout.</param>
/// <param name="MemoryMb">The memory size.</param>
/// <param name="Role">The execution role (its credentials sign the function's calls, and its mappings' reads).</param>
public sealed record DeployedFunction(string LogicalId, string Key, string Name, string Arn, IReadOnlyDictionary<string, string> Environment, TimeSpan Timeout, int MemoryMb, IamPrincipal Role);
