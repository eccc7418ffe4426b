using System.CommandLine;
using System.Globalization;
using System.Net.Sockets;
using System.Text.Json;
using Amazon.Runtime;
using EventPipeline.Aws;
using EventPipeline.Application.DeadLetters;
using EventPipeline.Local.DeadLetters;

namespace EventPipeline.Local.Cli;

/// <summary>
/// <c>dlq list [--json] [--category c]</c> and <c>dlq redrive &lt;id&gt;... | --all [--category c]</c>: the dead letters of a
/// running local stack, and putting them back on the events stream (see <see cref="Redrive"/>).
/// </summary>
internal static class DlqCommand
{
    /// <summary>The verb, talking to the stack found through <c>.eventpipeline/endpoints.json</c>.</summary>
    public static Command Create() => Create(_ => Task.FromResult(LocalEndpoints.Load()), Console.Out, Console.Error);

    /// <summary>The verb with its stack and console given (tests).</summary>
    internal static Command Create(Func<CancellationToken, Task<LocalEndpoints>> load, TextWriter output, TextWriter error)
    {
        var json = new Option<bool>("--json") { Description = "Print the entries as a JSON array (record bytes base64) instead of a table" };
        var listCategory = new Option<string?>("--category") { Description = "Only entries of this category (malformed, unknown-source, rejected, invalid-event, bad-aggregate, adapter-error, source-unavailable, retries-exhausted, record-age-exceeded)" };
        var list = new Command("list", "List the dead letters: id, category, reason, tenant, source, attempts, times redriven.") { json, listCategory };
        list.SetAction((parse, ct) => RunAsync(load, error, async (redrive, c) =>
        {
            var entries = await redrive.ListAsync(parse.GetValue(listCategory), c);
            if (parse.GetValue(json))
            {
                await output.WriteLineAsync(JsonSerializer.Serialize(entries.ToList(), DeadLetterJsonContext.Default.ListDeadLetterEntry));
            }
            else
            {
                await output.WriteAsync(Table(entries));
            }

            return 0;
        }, ct));

        var ids = new Argument<string[]>("id") { Arity = ArgumentArity.ZeroOrMore, Description = "Ids of the entries to redrive (as 'dlq list' shows them)" };
        var all = new Option<bool>("--all") { Description = "Redrive every ingest entry that was never redriven" };
        var category = new Option<string?>("--category") { Description = "With --all: only entries of this category" };
        var redriveCommand = new Command("redrive", "Put dead-lettered records back on the events stream with their original bytes (their dedup ids come along, so nothing is counted twice) and mark them redriven.")
        {
            ids, all, category,
        };
        redriveCommand.SetAction((parse, ct) =>
        {
            var chosen = parse.GetValue(ids) ?? [];
            var everything = parse.GetValue(all);
            var only = parse.GetValue(category);
            if (chosen.Length > 0 == everything)
            {
                error.WriteLine("error: redrive: give dead-letter ids or --all (not both)");
                return Task.FromResult(2);
            }

            if (only is not null && !everything)
            {
                error.WriteLine("error: redrive: --category only goes with --all");
                return Task.FromResult(2);
            }

            return RunAsync(load, error, async (redrive, c) =>
            {
                var outcomes = everything ? await redrive.RedriveAllAsync(only, c) : await redrive.RedriveAsync(chosen, c);
                foreach (var o in outcomes)
                {
                    if (o.Redriven)
                    {
                        await output.WriteLineAsync($"redriven {o.Id} -> sequence {o.SequenceNumber}");
                    }
                    else
                    {
                        await error.WriteLineAsync($"error: {o.Id}: {o.Error}");
                    }
                }

                var done = outcomes.Count(o => o.Redriven);
                await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"{done} of {outcomes.Count} redriven"));
                return outcomes.All(o => o.Redriven) ? 0 : 1;
            }, ct);
        });

        return new Command("dlq", "Dead letters of the running local stack: list them, redrive them.") { list, redriveCommand };
    }

    private static async Task<int> RunAsync(
        Func<CancellationToken, Task<LocalEndpoints>> load,
        TextWriter error,
        Func<Redrive, CancellationToken, Task<int>> body,
        CancellationToken ct)
    {
        try
        {
            var endpoints = await load(ct);
            using var clients = endpoints.CreateClients();
            var redrive = new Redrive(new SqsDeadLetterQueue(clients.Sqs, endpoints.DeadLetterQueueUrl), clients.Kinesis, endpoints.StreamName);
            return await body(redrive, ct);
        }
        catch (CliException ex)
        {
            await error.WriteLineAsync($"error: {ex.Message}");
            return 1;
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            return 130;
        }
        catch (Exception ex) when (ex is HttpRequestException or SocketException or AmazonServiceException or AmazonClientException or IOException)
        {
            // One line: which stack could not be reached and why, never a stack trace.
            await error.WriteLineAsync($"error: the local stack did not answer ({ex.GetType().Name}: {FirstLine(ex.Message)}); is it running? (dotnet run --project src/EventPipeline.Local)");
            return 1;
        }
    }

    /// <summary>The entries as an aligned text table.</summary>
    internal static string Table(IReadOnlyList<DeadLetterEntry> entries)
    {
        if (entries.Count == 0)
        {
            return "no dead letters\n";
        }

        string[] header = ["ID", "CATEGORY", "REASON", "TENANT", "SOURCE", "ATTEMPTS", "REDRIVEN"];
        var rows = entries.Select(e => new[]
        {
            e.Id,
            e.Category,
            Clip(FirstLine(e.Reason), 70),
            e.Tenant is null ? "-" : Clip(e.Tenant, 32),
            e.Source is null ? "-" : Clip(e.Source, 24),
            e.Attempts.ToString(CultureInfo.InvariantCulture),
            e.RedriveCount.ToString(CultureInfo.InvariantCulture),
        }).ToList();
        var widths = header.Select((h, i) => Math.Max(h.Length, rows.Max(r => r[i].Length))).ToArray();
        var text = new System.Text.StringBuilder();
        foreach (var row in rows.Prepend(header))
        {
            text.AppendLine(string.Join("  ", row.Select((c, i) => i == row.Length - 1 ? c : c.PadRight(widths[i]))).TrimEnd());
        }

        text.Append(CultureInfo.InvariantCulture, $"{entries.Count} dead letters\n");
        return text.ToString();
    }

    private static string Clip(string s, int max) => s.Length <= max ? s : s[..(max - 1)] + "…";

    private static string FirstLine(string s)
    {
        var nl = s.IndexOfAny(['\r', '\n']);
        return nl < 0 ? s : s[..nl];
    }
}
