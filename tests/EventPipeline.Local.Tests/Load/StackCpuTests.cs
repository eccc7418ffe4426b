using System.Net;
using System.Net.Sockets;
using EventPipeline.Local.Load;
using EventPipeline.Local.Tests.Emulators;

namespace EventPipeline.Local.Tests.Load;

/// <summary>
/// <c>load</c>'s CPU split reads Linux's own tables: these pin the formats it parses, and that a listening port leads to
/// the process that listens on it.
/// </summary>
public sealed class StackCpuTests
{
    [Fact]
    public void MachineSeconds_BusyIsAllButIdleAndIowait_InUserHzTicks()
    {
        // user nice system idle iowait irq softirq steal guest guest_nice
        var (busy, total) = StackCpu.MachineSeconds("cpu  1000 20 300 5000 100 7 3 10 0 0");

        Assert.Equal((1000 + 20 + 300 + 7 + 3 + 10) / 100.0, busy, 9);
        Assert.Equal((1000 + 20 + 300 + 7 + 3 + 10 + 5000 + 100) / 100.0, total, 9);
    }

    [Fact]
    public void ProcessSecondsOf_CountsFieldsFromTheLastParenthesis_SoACommandNameWithSpacesAndParenthesesDoesNotShiftThem()
    {
        // utime 250 and stime 50 ticks are the 14th and 15th fields.
        const string Stat = "4242 (node (main) js) S 1 4242 4242 0 -1 4194560 100 0 0 0 250 50 7 9 20 0 11 0 500 1000 200 18446744073709551615";

        Assert.Equal(3.0, StackCpu.ProcessSecondsOf(Stat), 9);
    }

    [Fact]
    public void ListeningInodes_TakeOnlyListeningSocketsOnTheAskedPorts()
    {
        string[] table =
        [
            "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode",
            "   0: 0100007F:1F40 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 11111 1 0000000000000000 100 0 0 10 0",
            "   1: 0100007F:1F40 0100007F:D431 01 00000000:00000000 00:00000000 00000000     0        0 22222 1 0000000000000000 20 4 30 10 -1",
            "   2: 0100007F:11D8 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 33333 1 0000000000000000 100 0 0 10 0",
            "   3: 0100007F:1234 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 44444 1 0000000000000000 100 0 0 10 0",
        ];

        var inodes = StackCpu.ListeningInodes(table, new HashSet<int> { 8000, 4568 });

        // 0x1F40 = 8000 listening; the established connection on 8000 is not the listener; 0x11D8 = 4568; 0x1234 not asked.
        Assert.Equal(new Dictionary<long, int> { [11111] = 8000, [33333] = 4568 }, inodes);
    }

    [LinuxFact]
    public void ListeningPids_FindThisProcess_ByAPortItListensOn()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;

        var pids = StackCpu.ListeningPids(new HashSet<int> { port });

        Assert.Equal(Environment.ProcessId, pids[port]);
        Assert.True(StackCpu.ProcessSeconds(Environment.ProcessId) > 0);
    }

    [Fact]
    public void Between_CountsARestartedProcessFromItsNewStart_AndBoundsEventsPerSecondByCoresOverCpuPerEvent()
    {
        var t0 = new DateTimeOffset(2026, 12, 1, 22, 0, 0, TimeSpan.Zero);
        var from = new CpuSample(t0, [new PartCpu("kinesis-mock", 10, 100), new PartCpu("DynamoDB Local", 20, 50)], MachineBusy: 1_000, MachineTotal: 2_000);
        var to = new CpuSample(t0.AddSeconds(100), [new PartCpu("kinesis-mock", 10, 160), new PartCpu("DynamoDB Local", 21, 15)], MachineBusy: 1_150, MachineTotal: 2_200);

        var split = CpuSplit.Between(from, to);

        Assert.Equal(2, split.Cores);
        Assert.Equal(150, split.MachineBusySeconds, 9);
        Assert.Equal(("kinesis-mock", 60.0, false), split.Parts[0]);
        Assert.Equal(("DynamoDB Local", 15.0, true), split.Parts[1]);
        // 150 CPU seconds for 3,000 events is 50 ms each: two cores hold 40 events/s.
        Assert.Equal(40, split.MostEventsPerSecond(3_000), 9);
        using var text = new StringWriter();
        split.Write(text, "throughput", 3_000, askedPerSecond: 100);
        Assert.Contains("at 50.00 ms of CPU per event the machine's 2 cores hold at most 40 events/s; the phase asked for 100/s (2.5× that)", text.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Write_WhenThePartsAddUpToMoreThanTheMachinesBusyTime_LeavesNothingForEverythingElse_RatherThanANegativeShare()
    {
        // Ticks read a moment apart: 31 s counted in the processes, 30 s busy on the machine.
        var t0 = new DateTimeOffset(2026, 12, 1, 22, 0, 0, TimeSpan.Zero);
        var from = new CpuSample(t0, [new PartCpu("DynamoDB Local", 20, 0)], MachineBusy: 0, MachineTotal: 0);
        var to = new CpuSample(t0.AddSeconds(60), [new PartCpu("DynamoDB Local", 20, 31)], MachineBusy: 30, MachineTotal: 120);
        using var text = new StringWriter();

        CpuSplit.Between(from, to).Write(text, "latency", 1_000, askedPerSecond: 10);

        var other = text.ToString().Split('\n').Single(l => l.Contains("everything else", StringComparison.Ordinal));
        Assert.DoesNotContain("-", other, StringComparison.Ordinal);
        Assert.Contains(" 0.00 ", other, StringComparison.Ordinal);
    }
}
