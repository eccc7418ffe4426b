using System.CommandLine;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;

namespace EventPipeline.Local.Cli;

/// <summary><c>tail &lt;channel&gt;</c>: subscribes over the stack's WebSocket and prints every push, one JSON line each.</summary>
internal static class TailCommand
{
    public static Command Create(Func<CliStack>? stack = null)
    {
        stack ??= () => CliStack.Load();
        var channel = new Argument<string>("channel") { Description = "tenant, entity/{kind}/{id}, metric/{name} or source/{source}" };
        var tenant = new Option<string?>("--tenant") { Description = "Tenant to connect as (default: the stack's demo tenant)" };
        var since = new Option<long?>("--since") { Description = "Replay the changes after this sequence first (resume)" };
        var count = new Option<int?>("--count") { Description = "Stop after this many changes (default: run until Ctrl-C)" };
        var command = new Command("tail", "Print the pushes of one channel as they happen") { channel, tenant, since, count };
        command.SetAction((parse, ct) => CliOutput.RunAsync(parse, async output =>
        {
            var s = stack();
            var name = parse.GetValue(channel)!;
            if (Domain.Channels.Validate(name) is { } rule)
            {
                throw new CliException($"channel: {rule}");
            }

            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
            var token = await s.TokenAsync(http, parse.GetValue(tenant) ?? s.Endpoints.DemoTenant, ct);
            using var socket = new ClientWebSocket();
            await socket.ConnectAsync(new Uri($"{s.Endpoints.WebSocketUrl}?token={Uri.EscapeDataString(token)}"), ct);
            var subscribe = parse.GetValue(since) is { } from
                ? $$"""{"action":"subscribe","channel":{{JsonSerializer.Serialize(name, LocalCliJsonContext.Default.String)}},"since":{{from}}}"""
                : $$"""{"action":"subscribe","channel":{{JsonSerializer.Serialize(name, LocalCliJsonContext.Default.String)}}}""";
            await socket.SendAsync(Encoding.UTF8.GetBytes(subscribe), WebSocketMessageType.Text, true, ct);

            var limit = parse.GetValue(count);
            var changes = 0;
            var buffer = new byte[256 * 1024];
            while (socket.State == WebSocketState.Open && (limit is null || changes < limit))
            {
                using var message = new MemoryStream();
                WebSocketReceiveResult r;
                do
                {
                    r = await socket.ReceiveAsync(buffer, ct);
                    message.Write(buffer, 0, r.Count);
                }
                while (!r.EndOfMessage && r.MessageType != WebSocketMessageType.Close);

                if (r.MessageType == WebSocketMessageType.Close)
                {
                    await output.WriteLineAsync("# closed by the server");
                    return 1;
                }

                var text = Encoding.UTF8.GetString(message.GetBuffer(), 0, (int)message.Length);
                using var doc = JsonDocument.Parse(text);
                var type = doc.RootElement.TryGetProperty("type", out var t) ? t.GetString() : null;
                switch (type)
                {
                    case "error":
                        throw new CliException($"{doc.RootElement.GetProperty("field").GetString()}: {doc.RootElement.GetProperty("rule").GetString()}");
                    case "subscribed":
                        await output.WriteLineAsync($"# subscribed to {name} at sequence {doc.RootElement.GetProperty("sequence").GetInt64()}");
                        break;
                    case "change":
                        changes++;
                        await output.WriteLineAsync(text);
                        break;
                    default:
                        await output.WriteLineAsync(text);
                        break;
                }
            }

            await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "bye", CancellationToken.None);
            return 0;
        }));
        return command;
    }
}

[System.Text.Json.Serialization.JsonSerializable(typeof(string))]
internal sealed partial class LocalCliJsonContext : System.Text.Json.Serialization.JsonSerializerContext;
