using EventPipeline.Topology;

namespace EventPipeline.Infra;

/// <summary>
/// Where the CDK app gets the reminder workflow's Amazon States Language. The workflow project owns the definition
/// (the local stack runs the same JSON); this is the one line to point at it.
/// </summary>
internal static class ReminderDefinition
{
    /// <summary>Placeholders the ASL contains, filled by the state machine's DefinitionSubstitutions.</summary>
    public const string AggregatesTableNamePlaceholder = "AggregatesTableName";

    /// <summary>See <see cref="AggregatesTableNamePlaceholder"/>.</summary>
    public const string FromEmailAddressPlaceholder = "FromEmailAddress";

    /// <summary>The workflow project's definition: the same JSON the local stack executes.</summary>
    public static string Load() => EventPipeline.Workflow.ReminderWorkflow.DefinitionJson;
}
