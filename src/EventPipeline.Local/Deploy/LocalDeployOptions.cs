namespace EventPipeline.Local.Deploy;

/// <summary>How to deploy locally.</summary>
public sealed record LocalDeployOptions
{
    /// <summary>The region of every ARN.</summary>
    public string Region { get; init; } = "us-east-1";

    /// <summary>The account of every ARN.</summary>
    public string AccountId { get; init; } = "000000000000";

    /// <summary>The local AWS endpoint (the edge) every function calls.</summary>
    public required Uri AwsEndpoint { get; init; }

    /// <summary>Shards of every stream, overriding the template's (null: ShardCount, or 4 for on-demand as in AWS).</summary>
    public int? Shards { get; init; }

    /// <summary>Variables the local stack adds to a function (by key) beyond the template's (each one listed in the README).</summary>
    public Func<string, IReadOnlyDictionary<string, string>> ExtraEnvironment { get; init; } = _ => new Dictionary<string, string>();

    /// <summary>Progress messages.</summary>
    public Action<string>? Log { get; init; }
}
