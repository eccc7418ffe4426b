using System.Text.Json.Nodes;

namespace EventPipeline.Local.Deploy;

/// <summary>One CloudFormation stack's template: its resources, conditions and outputs.</summary>
public sealed class StackTemplate
{
    private const string ResourcesSection = "Resources";
    private const string ConditionsSection = "Conditions";
    private const string OutputsSection = "Outputs";

    /// <summary>Reads <paramref name="template"/> as stack <paramref name="stackName"/>.</summary>
    public StackTemplate(string stackName, JsonObject template)
    {
        ArgumentNullException.ThrowIfNull(template);
        StackName = stackName;
        Template = template;
        Resources = (template[ResourcesSection]?.AsObject() ?? [])
            .Select(r => new TemplateResource(
                r.Key,
                (string)r.Value!["Type"]!,
                r.Value["Properties"]?.AsObject() ?? [],
                (string?)r.Value["Condition"],
                this))
            .ToList();
    }

    /// <summary>The stack name (the CDK stack id).</summary>
    public string StackName { get; }

    /// <summary>The template JSON.</summary>
    public JsonObject Template { get; }

    /// <summary>Every resource, in template order.</summary>
    public IReadOnlyList<TemplateResource> Resources { get; }

    /// <summary>The template's <c>Conditions</c> section.</summary>
    public JsonObject Conditions => Template[ConditionsSection]?.AsObject() ?? [];

    /// <summary>The template's <c>Outputs</c> section.</summary>
    public JsonObject Outputs => Template[OutputsSection]?.AsObject() ?? [];

    /// <summary>Resources of one type.</summary>
    public IEnumerable<TemplateResource> OfType(string type) => Resources.Where(r => r.Type == type);

    /// <summary>A resource by logical id.</summary>
    public TemplateResource Resource(string logicalId) =>
        Resources.FirstOrDefault(r => r.LogicalId == logicalId)
        ?? throw new InvalidOperationException($"stack '{StackName}' has no resource '{logicalId}'.");
}
