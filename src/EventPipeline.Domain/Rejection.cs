namespace EventPipeline.Domain;

/// <summary>
/// Why an input was not accepted: the field (a JSON path, header or column name) and the rule it broke.
/// Rejections are permanent — the input is dead-lettered with this reason, never retried.
/// </summary>
/// <param name="Field">Where the problem is, e.g. <c>data.object.id</c>, <c>header:X-GitHub-Event</c>, <c>body</c>.</param>
/// <param name="Rule">The rule broken, e.g. <c>required</c>, <c>must be an RFC 3339 timestamp</c>.</param>
public sealed record Rejection(string Field, string Rule)
{
    /// <summary>A one-line message a person can act on.</summary>
    public string Message => $"{Field}: {Rule}";

    /// <inheritdoc />
    public override string ToString() => Message;
}
