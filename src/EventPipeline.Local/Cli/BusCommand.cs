using System.CommandLine;
using EventPipeline.Local.Bus;

namespace EventPipeline.Local.Cli;

/// <summary><c>bus</c>: add a consumer to the event bus (a rule with a queue), and read what it received.</summary>
internal static class BusCommand
{
    public static Command Create(Func<CliStack>? stack = null)
    {
        stack ??= () => CliStack.Load();
        var name = new Argument<string>("name") { Description = "Rule and queue name (letters, digits, '-', '_')" };
        var pattern = new Option<string>("--pattern") { Description = "EventBridge event pattern (JSON), e.g. '{\"detail\":{\"tenant\":[\"demo\"]}}'", Required = true };
        var add = new Command("add", "Add a rule on the pipeline's bus whose target is a new SQS queue of the same name") { name, pattern };
        add.SetAction((parse, ct) => CliOutput.RunAsync(parse, async output =>
        {
            var url = await Consumers(stack()).AddQueueRuleAsync(parse.GetValue(name)!, parse.GetValue(pattern)!, ct);
            await output.WriteLineAsync($"rule {parse.GetValue(name)} → {url}");
            return 0;
        }));

        var queue = new Argument<string>("queue") { Description = "The queue (a rule's name, or bus-example's physical name)" };
        var count = new Option<int>("--count") { Description = "At most this many events", DefaultValueFactory = _ => 100 };
        var keep = new Option<bool>("--keep") { Description = "Leave the events in the queue" };
        var read = new Command("read", "Print the events a rule's queue received, one JSON line each (consumed unless --keep)") { queue, count, keep };
        read.SetAction((parse, ct) => CliOutput.RunAsync(parse, async output =>
        {
            foreach (var e in await Consumers(stack()).ReadAsync(parse.GetValue(queue)!, parse.GetValue(count), !parse.GetValue(keep), ct))
            {
                await output.WriteLineAsync(CliOutput.Compact(e));
            }

            return 0;
        }));

        return new Command("bus", "The event bus other consumers subscribe to (aggregate.changed events)") { new Command("rule", "Rules on the bus") { add }, read };
    }

    private static BusConsumers Consumers(CliStack stack)
    {
        if (stack.Endpoints.EventBusName.Length == 0)
        {
            throw new CliException("bus: the running stack has no event bus; restart it (dotnet run --project src/EventPipeline.Local)");
        }

        var clients = stack.Endpoints.CreateClients();
        var account = stack.Endpoints.DeadLetterQueueUrl.Split('/')[^2];
        return new BusConsumers(clients, stack.Endpoints.EventBusName, stack.Endpoints.Region, account);
    }
}
