using System.Collections.Concurrent;
using EventPipeline.Local.EventSources;
using EventPipeline.Topology;

namespace EventPipeline.Local.Tests.EventSources;

internal static class PollerTestSupport
{
    /// <summary>Upper bound for waiting on background work; a guard against hangs, not a timing assertion.</summary>
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    public static EventSourceMappingSettings Mapping(
        int batchSize = 10,
        int window = 0,
        bool bisect = false,
        int maxRetries = -1,
        int maxAge = -1,
        bool reportFailures = true) =>
        new(batchSize, window, bisect, maxRetries, maxAge, reportFailures, ParallelizationFactor: 1);

    public static StreamPollerOptions Options(EventSourceMappingSettings mapping, IFailureDestination? onFailure = null) => new()
    {
        Mapping = mapping,
        FunctionName = "ingest",
        EmptyPollInterval = TimeSpan.FromMilliseconds(10),
        ShardDiscoveryInterval = TimeSpan.FromMilliseconds(50),
        RetryDelay = TimeSpan.Zero,
        OnFailure = onFailure,
    };

    /// <summary>Polls <paramref name="condition"/> until true; fails the test with <paramref name="what"/> after <see cref="Patience"/>.</summary>
    public static async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"Timed out waiting for: {what}");
            }

            await Task.Delay(10);
        }
    }
}

/// <summary>Records every batch a handler saw (as sequence-number lists), in invocation order.</summary>
internal sealed class InvocationLog
{
    private readonly ConcurrentQueue<IReadOnlyList<string>> _batches = new();

    public IReadOnlyList<IReadOnlyList<string>> Batches => [.. _batches];

    public IReadOnlyList<string> AllSequences => [.. _batches.SelectMany(b => b)];

    public void Add(IReadOnlyList<string> sequences) => _batches.Enqueue(sequences);
}
