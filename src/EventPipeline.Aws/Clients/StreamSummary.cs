namespace EventPipeline.Aws.Clients;

public sealed record StreamSummary(string StreamName, string StreamArn, string StreamStatus, int OpenShardCount);
