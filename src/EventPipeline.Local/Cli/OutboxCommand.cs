using System.CommandLine;
using System.Text.Json;

namespace EventPipeline.Local.Cli;

/// <summary><c>outbox</c>: the reminder notifications the local workflow "sent" (email and SMS land in a local outbox).</summary>
internal static class OutboxCommand
{
    public static Command Create(Func<CliStack>? stack = null)
    {
        stack ??= () => CliStack.Load();
        var follow = new Option<bool>("--follow", "-f") { Description = "Keep printing new notifications until Ctrl-C" };
        var command = new Command("outbox", "Print the reminder notifications (email, SMS) the local workflow sent, one JSON line each") { follow };
        command.SetAction((parse, ct) => CliOutput.RunAsync(parse, async output =>
        {
            var s = stack();
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
            var printed = 0;
            do
            {
                using var request = s.Endpoints.AdminGet("outbox");
                using var response = await http.SendAsync(request, ct);
                if (!response.IsSuccessStatusCode)
                {
                    throw new CliException($"GET /outbox: HTTP {(int)response.StatusCode}");
                }

                using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct));
                var entries = doc.RootElement.EnumerateArray().ToList();
                foreach (var e in entries.Skip(printed))
                {
                    await output.WriteLineAsync(CliOutput.Compact(e));
                }

                printed = Math.Max(printed, entries.Count);
                if (parse.GetValue(follow))
                {
                    await Task.Delay(TimeSpan.FromSeconds(1), ct);
                }
            }
            while (parse.GetValue(follow));

            return 0;
        }));
        return command;
    }
}
