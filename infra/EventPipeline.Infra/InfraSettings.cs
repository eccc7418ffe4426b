using System.Globalization;
using Amazon.CDK;
using EventPipeline.Topology;
using Architecture = Amazon.CDK.AWS.Lambda.Architecture;

namespace EventPipeline.Infra;

/// <summary>
/// Deploy-time choices read from CDK context (<c>cdk.json</c> or <c>-c key=value</c>). Every value has an offline
/// default so <c>cdk synth</c> works from a fresh clone without credentials or lookups.
/// </summary>
internal sealed record InfraSettings
{
    /// <summary>Context keys, in one place so cdk.json, the docs and the tests agree.</summary>
    internal static class Keys
    {
        public const string Shards = "shards";
        public const string Arch = "arch";
        public const string Bundling = "bundling";
        public const string Functions = "functions";
        public const string JwtIssuer = "jwtIssuer";
        public const string JwtAudience = "jwtAudience";
        public const string SesIdentityArn = "sesIdentityArn";
        public const string FromEmailAddress = "fromEmailAddress";
        public const string WebhookKmsKeyArn = "webhookKmsKeyArn";
        public const string GraphTokenPrefix = "graphTokenPrefix";
        public const string BusRules = "busRules";
        public const string LogLevel = "logLevel";
        public const string RepoRoot = "repoRoot";
        public const string IngestLatency = "ingestLatency";
    }

    /// <summary>Environment variable that skips the AOT publish like <c>-c bundling=skip</c> (fast CI synth, unit tests).</summary>
    public const string SkipBundlingVariable = "EVENTPIPELINE_SKIP_BUNDLING";

    /// <summary>Provisioned shard count; null means on-demand capacity mode.</summary>
    public int? Shards { get; init; }

    /// <summary>Lambda architecture of every function (x86_64 unless <c>arch=arm64</c>).</summary>
    public required Architecture Architecture { get; init; }

    /// <summary>.NET runtime identifier matching <see cref="Architecture"/>.</summary>
    public required string RuntimeIdentifier { get; init; }

    /// <summary>False: functions get a placeholder <c>bootstrap</c> instead of a Native AOT publish.</summary>
    public bool Bundle { get; init; } = true;

    /// <summary>When bundling, only these function keys (lower case) are published for real; null means all.</summary>
    public IReadOnlySet<string>? BundleOnly { get; init; }

    /// <summary>OIDC issuer URL of the tokens the HTTP API and the WebSocket $connect accept.</summary>
    public required string JwtIssuer { get; init; }

    /// <summary>Audience tokens must carry.</summary>
    public required string JwtAudience { get; init; }

    /// <summary>SES identity the workflow may send from; null scopes SendEmail to every identity of the account and region.</summary>
    public string? SesIdentityArn { get; init; }

    /// <summary>Sender address substituted into the reminder workflow.</summary>
    public required string FromEmailAddress { get; init; }

    /// <summary>Customer-managed KMS key of the webhook SecureString parameters; null when they use the AWS-managed key.</summary>
    public string? WebhookKmsKeyArn { get; init; }

    /// <summary>Consumers' rules on the event bus (context <c>busRules</c>, a JSON array); the example rule is always deployed.</summary>
    public IReadOnlyList<BusRule> BusRules { get; init; } = [];

    /// <summary>SSM path prefix of the Microsoft Graph access tokens (context <c>graphTokenPrefix</c>); null warns at synth.</summary>
    public string? GraphTokenPrefix { get; init; }

    /// <summary>LOG_LEVEL of every function.</summary>
    public required string LogLevel { get; init; }

    /// <summary>Repository root override (the bundler otherwise finds it by walking up to global.json).</summary>
    public string? RepoRoot { get; init; }

    /// <summary>
    /// <c>ingestLatency=low</c>: the Ingest mapping reads through an enhanced fan-out consumer with no batching window
    /// (<see cref="PipelineTopology.IngestMappingLowLatency"/>). Default: the stream's shared throughput, polled once a
    /// second per shard, with a 1 s batching window — fewer, fuller invocations and no consumer charges.
    /// </summary>
    public bool LowLatencyIngest { get; init; }

    /// <summary>Reads the settings from the app's context and the process environment.</summary>
    public static InfraSettings FromContext(Constructs.Node node)
    {
        ArgumentNullException.ThrowIfNull(node);
        string? Get(string key) => node.TryGetContext(key) is { } value
            ? Convert.ToString(value, CultureInfo.InvariantCulture) is { Length: > 0 } text ? text : null
            : null;

        int? shards = null;
        if (Get(Keys.Shards) is { } shardText)
        {
            if (!int.TryParse(shardText, NumberStyles.None, CultureInfo.InvariantCulture, out var count) || count < 1)
            {
                throw new ArgumentException($"Context '{Keys.Shards}' must be a positive whole number of shards (or absent for on-demand); got '{shardText}'.");
            }

            shards = count;
        }

        var arch = (Get(Keys.Arch) ?? "x86_64").ToLowerInvariant();
        var (architecture, rid) = arch switch
        {
            "x86_64" or "x64" or "amd64" => (Architecture.X86_64, "linux-x64"),
            "arm64" or "aarch64" => (Architecture.ARM_64, "linux-arm64"),
            _ => throw new ArgumentException($"Context '{Keys.Arch}' must be 'x86_64' or 'arm64'; got '{arch}'."),
        };

        var bundling = (Get(Keys.Bundling) ?? "on").ToLowerInvariant();
        if (bundling is not ("on" or "skip"))
        {
            throw new ArgumentException($"Context '{Keys.Bundling}' must be 'on' or 'skip'; got '{bundling}'.");
        }

        var skip = bundling == "skip" || System.Environment.GetEnvironmentVariable(SkipBundlingVariable) is "1" or "true";

        HashSet<string>? only = null;
        if (Get(Keys.Functions) is { } list)
        {
            only = new HashSet<string>(
                list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(f => f.ToLowerInvariant()),
                StringComparer.Ordinal);
            var unknown = only.Except(FunctionCatalog.All.Select(f => f.Key)).ToList();
            if (unknown.Count > 0)
            {
                throw new ArgumentException(
                    $"Context '{Keys.Functions}' names unknown functions: {string.Join(", ", unknown)}; known: {string.Join(", ", FunctionCatalog.All.Select(f => f.Key))}.");
            }
        }

        // No silent defaults for what decides whether the deployed stack works at all: an issuer nobody issues from
        // would refuse every token, an unverified sender every email. The local stack and CI pass their own values.
        var issuer = Get(Keys.JwtIssuer);
        var from = Get(Keys.FromEmailAddress);
        var missing = new[] { (Keys.JwtIssuer, issuer, "the OIDC issuer URL of your identity provider"), (Keys.FromEmailAddress, from, "an SES-verified sender address") }
            .Where(k => k.Item2 is null)
            .Select(k => $"-c {k.Item1}=<{k.Item3}>")
            .ToList();
        if (missing.Count > 0)
        {
            throw new ArgumentException(
                $"Context {string.Join(" and ", missing.Select(m => m.Split('=')[0][3..]).Select(k => $"'{k}'"))} must be set: {string.Join(" ", missing)}.");
        }

        var latency = (Get(Keys.IngestLatency) ?? "default").ToLowerInvariant();
        if (latency is not ("default" or "low"))
        {
            throw new ArgumentException($"Context '{Keys.IngestLatency}' must be 'default' or 'low'; got '{latency}'.");
        }

        return new InfraSettings
        {
            Shards = shards,
            LowLatencyIngest = latency == "low",
            Architecture = architecture,
            RuntimeIdentifier = rid,
            Bundle = !skip,
            BundleOnly = only,
            JwtIssuer = issuer!,
            JwtAudience = Get(Keys.JwtAudience) ?? PipelineTopology.Auth.Audience,
            SesIdentityArn = Get(Keys.SesIdentityArn),
            FromEmailAddress = from!,
            WebhookKmsKeyArn = Get(Keys.WebhookKmsKeyArn),
            GraphTokenPrefix = Get(Keys.GraphTokenPrefix)?.TrimEnd('/'),
            BusRules = BusRule.Parse(Get(Keys.BusRules)),
            LogLevel = Get(Keys.LogLevel) ?? "Information",
            RepoRoot = Get(Keys.RepoRoot),
        };
    }
}
