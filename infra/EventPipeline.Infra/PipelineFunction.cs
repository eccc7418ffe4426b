using Amazon.CDK;
using Amazon.CDK.AWS.Lambda;
using Amazon.CDK.AWS.Logs;
using Constructs;
using EventPipeline.Topology;
using Function = Amazon.CDK.AWS.Lambda.Function;

namespace EventPipeline.Infra;

/// <summary>Creates a function the way all six are deployed: Native AOT custom runtime, shared environment, own log group.</summary>
internal static class PipelineFunction
{
    public static Function Create(Construct scope, FunctionSpec spec, InfraSettings settings, IDictionary<string, string> environment)
    {
        var variables = new Dictionary<string, string>(environment, StringComparer.Ordinal)
        {
            [FunctionEnvironment.SslCertFile] = FunctionEnvironment.EmptyCertificatesPath,
            [FunctionEnvironment.LogLevel] = settings.LogLevel,
        };

        var logGroup = new LogGroup(scope, spec.ConstructId + "Logs", new LogGroupProps
        {
            Retention = RetentionDays.TWO_WEEKS,
            RemovalPolicy = RemovalPolicy.DESTROY,
        });

        var function = new Function(scope, spec.ConstructId, new FunctionProps
        {
            Description = spec.Description,
            Runtime = Runtime.PROVIDED_AL2023,
            Handler = "bootstrap",
            Architecture = settings.Architecture,
            Code = FunctionCode.For(spec, settings),
            MemorySize = spec.MemoryMb,
            Timeout = spec.Timeout,
            Environment = variables,
            LogGroup = logGroup,
        });
        Tags.Of(function).Add(PipelineTopology.NameTag, spec.Key);
        return function;
    }
}
