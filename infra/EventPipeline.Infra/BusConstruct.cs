using System.Text.Json;
using Amazon.CDK;
using Amazon.CDK.AWS.CloudWatch;
using Amazon.CDK.AWS.Events;
using Amazon.CDK.AWS.Events.Targets;
using EventBus = Amazon.CDK.AWS.Events.EventBus;
using EventBusProps = Amazon.CDK.AWS.Events.EventBusProps;
using Amazon.CDK.AWS.Lambda;
using Amazon.CDK.AWS.Lambda.EventSources;
using Amazon.CDK.AWS.SNS;
using Amazon.CDK.AWS.SQS;
using Constructs;
using EventPipeline.Topology;
using Function = Amazon.CDK.AWS.Lambda.Function;

namespace EventPipeline.Infra;

/// <summary>
/// The event bus other consumers subscribe to without touching the pipeline (ADR 0004): the bus, an archive of
/// everything the pipeline puts on it (replayable), the Bus function reading the change-log stream with its own
/// failure destination (so the bus never delays a push), least-privilege <c>events:PutEvents</c>, rules from context
/// <c>busRules</c> plus one example rule to a queue an operator can read, and an alarm on each rule's failed deliveries.
/// </summary>
internal sealed class BusConstruct : Construct
{
    /// <summary>Days the archive keeps events.</summary>
    public const int ArchiveRetentionDays = 30;

    public BusConstruct(Construct scope, string id, StatefulStack data, InfraSettings settings)
        : base(scope, id)
    {
        var changeLog = data.Table(PipelineTopology.Tables.ChangeLog);
        Bus = new EventBus(this, "EventBus", new EventBusProps { EventBusName = PipelineTopology.Bus.Name });
        Bus.Archive("Archive", new BaseArchiveProps
        {
            Description = "Every event the pipeline put on its bus, for consumers to replay",
            EventPattern = new EventPattern { Source = [PipelineTopology.Bus.Source] },
            Retention = Duration.Days(ArchiveRetentionDays),
        });

        Function = PipelineFunction.Create(this, FunctionCatalog.Bus, settings, new Dictionary<string, string>
        {
            [PipelineTopology.Environment.EventBusName] = Bus.EventBusName,
            [FunctionEnvironment.DeadLetterQueueUrl] = data.DeadLetterQueue.QueueUrl,
        });
        Bus.GrantPutEventsTo(Function);
        data.DeadLetterQueue.GrantSendMessages(Function);

        var mapping = PipelineTopology.BusMapping;
        Function.AddEventSource(new DynamoEventSource(changeLog, new DynamoEventSourceProps
        {
            StartingPosition = StartingPosition.TRIM_HORIZON,
            BatchSize = mapping.BatchSize,
            MaxBatchingWindow = Duration.Seconds(mapping.MaximumBatchingWindowSeconds),
            BisectBatchOnError = mapping.BisectBatchOnFunctionError,
            RetryAttempts = mapping.CdkRetryAttempts,
            MaxRecordAge = Duration.Seconds(mapping.MaximumRecordAgeSeconds),
            ReportBatchItemFailures = mapping.ReportBatchItemFailures,
            ParallelizationFactor = mapping.ParallelizationFactor,
            OnFailure = new SqsDlq(data.DeadLetterQueue),
        }));

        ExampleQueue = new Queue(this, "ExampleQueue", new QueueProps { RetentionPeriod = Duration.Days(4) });
        Amazon.CDK.Tags.Of(ExampleQueue).Add(PipelineTopology.NameTag, PipelineTopology.Bus.ExampleQueue);
        AddRule("Example", new EventPattern { Source = [PipelineTopology.Bus.Source], DetailType = [PipelineTopology.Bus.AggregateChanged] }, new SqsQueue(ExampleQueue));

        foreach (var rule in settings.BusRules)
        {
            IRuleTarget target = rule.TopicArn is { } topicArn
                ? new SnsTopic(Topic.FromTopicArn(this, InfraNames.Pascal(rule.Name) + "Topic", topicArn))
                : new SqsQueue(new Queue(this, InfraNames.Pascal(rule.Name) + "Queue", new QueueProps { RetentionPeriod = Duration.Days(4) }));
            AddRule(InfraNames.Pascal(rule.Name), Pattern(rule.Pattern), target);
        }
    }

    public EventBus Bus { get; }

    public Function Function { get; }

    public Queue ExampleQueue { get; }

    private void AddRule(string id, EventPattern pattern, IRuleTarget target)
    {
        var rule = new Rule(this, id + "Rule", new RuleProps { EventBus = Bus, EventPattern = pattern, Targets = [target] });
        _ = new Alarm(this, id + "RuleFailedInvocations", new AlarmProps
        {
            AlarmDescription = $"The bus rule {id} could not deliver events to its target",
            Metric = new Metric(new MetricProps
            {
                Namespace = "AWS/Events",
                MetricName = "FailedInvocations",
                DimensionsMap = new Dictionary<string, string> { ["RuleName"] = rule.RuleName, ["EventBusName"] = Bus.EventBusName },
                Statistic = Stats.SUM,
                Period = Duration.Minutes(5),
            }),
            Threshold = 0,
            ComparisonOperator = ComparisonOperator.GREATER_THAN_THRESHOLD,
            EvaluationPeriods = 1,
            TreatMissingData = TreatMissingData.NOT_BREACHING,
        });
    }

    /// <summary>An event pattern from its JSON (context <c>busRules</c>), as EventBridge documents patterns.</summary>
    private static EventPattern Pattern(JsonElement json)
    {
        var pattern = new EventPattern();
        foreach (var p in json.EnumerateObject())
        {
            switch (p.Name)
            {
                case "source":
                    pattern.Source = Strings(p.Value);
                    break;
                case "detail-type":
                    pattern.DetailType = Strings(p.Value);
                    break;
                case "detail":
                    pattern.Detail = (IDictionary<string, object>)Plain(p.Value);
                    break;
                default:
                    throw new ArgumentException($"Context '{InfraSettings.Keys.BusRules}': a rule's pattern may name source, detail-type and detail; got '{p.Name}'.");
            }
        }

        return pattern;
    }

    private static string[] Strings(JsonElement value) =>
        value.ValueKind == JsonValueKind.Array ? [.. value.EnumerateArray().Select(v => v.GetString()!)] : [value.GetString()!];

    /// <summary>JSON as the plain dictionaries, arrays and scalars jsii passes to the CDK.</summary>
    private static object Plain(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Object => value.EnumerateObject().ToDictionary(p => p.Name, p => Plain(p.Value)),
        JsonValueKind.Array => value.EnumerateArray().Select(Plain).ToArray(),
        JsonValueKind.String => value.GetString()!,
        JsonValueKind.Number => value.GetDouble(),
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        _ => null!,
    };
}
