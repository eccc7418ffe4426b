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

    // TODO(lead): replace with `EventPipeline.Workflow.ReminderWorkflow.DefinitionJson` once the workflow branch is merged.
    public static string Load() => Interim;

    /// <summary>
    /// Interim definition with the same integrations and placeholders (read the aggregate, then SMS through SNS or
    /// e-mail through SES), so the stacks synthesize and the tests run before the workflow project lands.
    /// </summary>
    internal static readonly string Interim = $$"""
        {
          "Comment": "Interim reminder workflow (infra placeholder until EventPipeline.Workflow provides the definition)",
          "StartAt": "LoadAggregate",
          "States": {
            "LoadAggregate": {
              "Type": "Task",
              "Resource": "arn:aws:states:::dynamodb:getItem",
              "Parameters": {
                "TableName": "${{{AggregatesTableNamePlaceholder}}}",
                "Key": {
                  "{{PipelineTopology.Tables.PartitionKey}}": { "S.$": "$.aggregate.pk" },
                  "{{PipelineTopology.Tables.SortKey}}": { "S.$": "$.aggregate.sk" }
                }
              },
              "ResultPath": "$.current",
              "Next": "ChooseChannel"
            },
            "ChooseChannel": {
              "Type": "Choice",
              "Choices": [ { "Variable": "$.channel", "StringEquals": "sms", "Next": "SendSms" } ],
              "Default": "SendEmail"
            },
            "SendSms": {
              "Type": "Task",
              "Resource": "arn:aws:states:::sns:publish",
              "Parameters": { "PhoneNumber.$": "$.to", "Message.$": "$.message" },
              "End": true
            },
            "SendEmail": {
              "Type": "Task",
              "Resource": "arn:aws:states:::aws-sdk:sesv2:sendEmail",
              "Parameters": {
                "FromEmailAddress": "${{{FromEmailAddressPlaceholder}}}",
                "Destination": { "ToAddresses.$": "States.Array($.to)" },
                "Content": { "Simple": { "Subject": { "Data.$": "$.subject" }, "Body": { "Text": { "Data.$": "$.message" } } } }
              },
              "End": true
            }
          }
        }
        """;
}
