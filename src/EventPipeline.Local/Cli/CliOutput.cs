using System.CommandLine;
using System.Net.WebSockets;
using System.Text.Json;

namespace EventPipeline.Local.Cli;

/// <summary>What every verb shares: one-line errors with exit code 1, and the stack factory.</summary>
internal static class CliOutput
{
    /// <summary>Runs <paramref name="body"/>; expected failures become <c>error: …</c> on stderr and exit code 1.</summary>
    public static async Task<int> RunAsync(ParseResult parse, Func<TextWriter, Task<int>> body)
    {
        var output = parse.InvocationConfiguration.Output;
        var error = parse.InvocationConfiguration.Error;
        try
        {
            return await body(output);
        }
        catch (OperationCanceledException)
        {
            return 130;
        }
        catch (Exception ex) when (ex is CliException or HttpRequestException or IOException or JsonException or WebSocketException or UnauthorizedAccessException)
        {
            var message = ex is HttpRequestException http && http.StatusCode is null
                ? $"the stack does not answer ({ex.Message}); is it running?"
                : ex.Message;
            await error.WriteLineAsync("error: " + message.ReplaceLineEndings(" "));
            return 1;
        }
    }

    /// <summary>One JSON value on one line.</summary>
    public static string Compact(JsonElement element)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            element.WriteTo(w);
        }

        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>Loads the stack, turning a factory failure into a <see cref="CliException"/>.</summary>
    public static CliStack Stack(Func<CliStack> factory) => factory();
}
