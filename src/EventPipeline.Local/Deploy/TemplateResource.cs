using System.Text.Json.Nodes;

namespace EventPipeline.Local.Deploy;

/// <summary>One resource of a template: logical id, type, properties (unresolved), condition and its stack.</summary>
public sealed record TemplateResource(string LogicalId, string Type, JsonObject Properties, string? Condition, StackTemplate Stack)
{
    /// <summary>The value of the <see cref="Topology.PipelineTopology.NameTag"/> tag, if the resource carries one.</summary>
    public string? NameTag => Properties["Tags"] is JsonArray tags
        ? tags.FirstOrDefault(t => (string?)t?["Key"] == Topology.PipelineTopology.NameTag)?["Value"]?.GetValue<string>()
        : null;
}
