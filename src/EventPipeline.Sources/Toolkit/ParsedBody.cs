using System.Text.Json;

namespace EventPipeline.Sources.Toolkit;

/// <summary>
/// A body's root element, and the document to return to the pool when <see cref="JsonFields.Parse(ReadOnlyMemory{byte})"/>
/// parsed it for this use alone (null when the element belongs to the record's document, whose owner disposes it).
/// </summary>
internal readonly struct ParsedBody(JsonElement root, JsonDocument? owned) : IDisposable
{
    /// <summary>The body's root value.</summary>
    public JsonElement RootElement { get; } = root;

    /// <inheritdoc />
    public void Dispose() => owned?.Dispose();
}
