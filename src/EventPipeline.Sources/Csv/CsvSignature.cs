using EventPipeline.Sources.Toolkit;

namespace EventPipeline.Sources.Csv;

/// <summary>
/// The legacy CSV feed is pushed by an internal job (or copied from S3 by one) with a shared secret:
/// <c>Authorization: Bearer &lt;secret&gt;</c>. The token authenticates the sender, not the body.
/// </summary>
public sealed class CsvSignature : BearerTokenSignature;
