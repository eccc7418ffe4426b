namespace EventPipeline.Application.Ports;

/// <summary>Per-channel sequences and the bounded change log behind gap-free resume.</summary>
public interface IChangeLog
{
    /// <summary>
    /// Allocates <paramref name="count"/> consecutive sequences for the channel, idempotently per <paramref name="batchId"/>
    /// (a redelivered stream batch gets the same sequences back). Returns the first.
    /// </summary>
    Task<long> AllocateAsync(string tenant, string channel, string batchId, int count, CancellationToken cancellationToken);

    /// <summary>
    /// Writes the entries of several channels at once (idempotent: same sequence, same payload): Publish appends a whole
    /// batch's channels together, so a store that writes in bulk needs a request per 25 pages, not one per channel.
    /// </summary>
    Task AppendAsync(IReadOnlyList<ChannelAppend> appends, CancellationToken cancellationToken);

    /// <summary>Entries after <paramref name="since"/>, at most <paramref name="limit"/>.</summary>
    Task<ChangesSince> ReadSinceAsync(string tenant, string channel, long since, int limit, CancellationToken cancellationToken);
}
