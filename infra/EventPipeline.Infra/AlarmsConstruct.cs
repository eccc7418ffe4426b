using Amazon.CDK;
using Amazon.CDK.AWS.CloudWatch;
using Amazon.CDK.AWS.SQS;
using Constructs;
using Function = Amazon.CDK.AWS.Lambda.Function;

namespace EventPipeline.Infra;

/// <summary>
/// Alarms an operator needs first: stream consumers falling behind (IteratorAge), anything in the dead-letter queue,
/// and errors or throttles of any function. No actions are attached: subscribe the alarms to your paging topic.
/// </summary>
internal sealed class AlarmsConstruct : Construct
{
    /// <summary>A stream consumer more than this far behind is alarming (the Kinesis ESM gives up after 1 h).</summary>
    public static readonly Duration IteratorAgeThreshold = Duration.Minutes(1);

    public AlarmsConstruct(Construct scope, string id, IEnumerable<Function> streamConsumers, IEnumerable<Function> functions, IQueue deadLetterQueue)
        : base(scope, id)
    {
        ArgumentNullException.ThrowIfNull(streamConsumers);
        ArgumentNullException.ThrowIfNull(functions);
        ArgumentNullException.ThrowIfNull(deadLetterQueue);
        var alarms = new List<Alarm>();

        foreach (var function in streamConsumers)
        {
            alarms.Add(new Alarm(this, function.Node.Id + "IteratorAge", new AlarmProps
            {
                AlarmDescription = $"{function.Node.Id} is more than {IteratorAgeThreshold.ToSeconds()} s behind its stream",
                Metric = function.Metric("IteratorAge", new MetricOptions { Statistic = Stats.MAXIMUM, Period = Duration.Minutes(1) }),
                Threshold = IteratorAgeThreshold.ToMilliseconds(),
                ComparisonOperator = ComparisonOperator.GREATER_THAN_THRESHOLD,
                EvaluationPeriods = 5,
                TreatMissingData = TreatMissingData.NOT_BREACHING,
            }));
        }

        alarms.Add(new Alarm(this, "DeadLetterQueueNotEmpty", new AlarmProps
        {
            AlarmDescription = "Events or batches reached the dead-letter queue: inspect and redrive",
            Metric = deadLetterQueue.MetricApproximateNumberOfMessagesVisible(new MetricOptions { Statistic = Stats.MAXIMUM, Period = Duration.Minutes(1) }),
            Threshold = 0,
            ComparisonOperator = ComparisonOperator.GREATER_THAN_THRESHOLD,
            EvaluationPeriods = 1,
            TreatMissingData = TreatMissingData.NOT_BREACHING,
        }));

        foreach (var function in functions)
        {
            alarms.Add(new Alarm(this, function.Node.Id + "Errors", new AlarmProps
            {
                AlarmDescription = $"{function.Node.Id} returned errors",
                Metric = function.MetricErrors(new MetricOptions { Statistic = Stats.SUM, Period = Duration.Minutes(5) }),
                Threshold = 0,
                ComparisonOperator = ComparisonOperator.GREATER_THAN_THRESHOLD,
                EvaluationPeriods = 1,
                TreatMissingData = TreatMissingData.NOT_BREACHING,
            }));
            alarms.Add(new Alarm(this, function.Node.Id + "Throttles", new AlarmProps
            {
                AlarmDescription = $"{function.Node.Id} was throttled",
                Metric = function.MetricThrottles(new MetricOptions { Statistic = Stats.SUM, Period = Duration.Minutes(5) }),
                Threshold = 0,
                ComparisonOperator = ComparisonOperator.GREATER_THAN_THRESHOLD,
                EvaluationPeriods = 1,
                TreatMissingData = TreatMissingData.NOT_BREACHING,
            }));
        }

        Alarms = alarms;
    }

    public IReadOnlyList<Alarm> Alarms { get; }
}
