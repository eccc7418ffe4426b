namespace EventPipeline.Sources.Graph;

/// <summary>A fetched Graph resource: its top-level string and number fields and its last-modified time.</summary>
/// <param name="Fields">Top-level string and number fields (numbers in their JSON text).</param>
/// <param name="LastModified"><c>lastModifiedDateTime</c> when present and valid.</param>
public sealed record GraphResource(IReadOnlyDictionary<string, string> Fields, DateTimeOffset? LastModified);
