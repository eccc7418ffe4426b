namespace EventPipeline.Sources.Toolkit;

/// <summary>
/// One of the <see cref="Timestamps"/> text rules, so <see cref="JsonFields"/> and <see cref="SignedTimestamp"/> read
/// each provider's timestamps with that provider's rule.
/// </summary>
internal delegate bool TryParseTime(string text, out DateTimeOffset value);
