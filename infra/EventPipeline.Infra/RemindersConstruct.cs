using Amazon.CDK;
using Amazon.CDK.AWS.IAM;
using Amazon.CDK.AWS.StepFunctions;
using Constructs;
using EventPipeline.Topology;
using Function = Amazon.CDK.AWS.Lambda.Function;

namespace EventPipeline.Infra;

/// <summary>
/// The reminder workflow (Step Functions Standard, definition from the workflow project) and the Reminders function
/// that starts it. The state machine sends e-mail (SES) and SMS (SNS) itself through service integrations.
/// </summary>
internal sealed class RemindersConstruct : Construct
{
    public RemindersConstruct(Construct scope, string id, StatefulStack data, InfraSettings settings)
        : base(scope, id)
    {
        var aggregates = data.Table(PipelineTopology.Tables.Aggregates);
        var operations = data.Table(PipelineTopology.Tables.Operations);
        var stack = Stack.Of(this);

        StateMachine = new StateMachine(this, "StateMachine", new StateMachineProps
        {
            StateMachineType = StateMachineType.STANDARD,
            DefinitionBody = DefinitionBody.FromString(ReminderDefinition.Load()),
            DefinitionSubstitutions = new Dictionary<string, string>
            {
                [ReminderDefinition.AggregatesTableNamePlaceholder] = aggregates.TableName,
                [ReminderDefinition.FromEmailAddressPlaceholder] = settings.FromEmailAddress,
            },
        });

        StateMachine.AddToRolePolicy(new PolicyStatement(new PolicyStatementProps
        {
            // The condition check counts the entity item with a Query on the table's primary key (no index).
            Actions = ["dynamodb:Query"],
            Resources = [aggregates.TableArn],
        }));
        StateMachine.AddToRolePolicy(new PolicyStatement(new PolicyStatementProps
        {
            // SES authorizes against the sending identity; without a named identity, any identity of this account and region.
            Actions = ["ses:SendEmail"],
            Resources =
            [
                settings.SesIdentityArn ?? stack.FormatArn(new ArnComponents
                {
                    Service = "ses",
                    Resource = "identity",
                    ResourceName = "*",
                    ArnFormat = ArnFormat.SLASH_RESOURCE_NAME,
                }),
            ],
        }));
        StateMachine.AddToRolePolicy(new PolicyStatement(new PolicyStatementProps
        {
            // SMS goes straight to a phone number, which has no ARN: IAM only accepts "*" for that Publish.
            Actions = ["sns:Publish"],
            Resources = ["*"],
        }));

        Function = PipelineFunction.Create(this, FunctionCatalog.Reminders, settings, new Dictionary<string, string>
        {
            [FunctionEnvironment.StateMachineArn] = StateMachine.StateMachineArn,
            [FunctionEnvironment.Table(PipelineTopology.Tables.Operations)] = operations.TableName,
        });
        StateMachine.GrantStartExecution(Function);
        // Idempotency keys of POST /reminders.
        operations.GrantReadWriteData(Function);

        _ = new CfnOutput(stack, "RemindersStateMachineArn", new CfnOutputProps { Value = StateMachine.StateMachineArn });
    }

    public StateMachine StateMachine { get; }

    public Function Function { get; }
}
