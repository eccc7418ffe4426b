using EventPipeline.Application.Ingest;
using System.Globalization;
using System.Text;
using System.Text.Json;
using EventPipeline.Domain;
using EventPipeline.Lambda.Events;
using EventPipeline.Sources.CloudEvents;

namespace EventPipeline.Local.Tests.Exactness;

/// <summary>Shape of generated cases.</summary>
/// <param name="MinEvents">Fewest distinct events.</param>
/// <param name="MaxEvents">Most distinct events.</param>
/// <param name="MaxShards">Most shards the records are spread over.</param>
/// <param name="MaxBatch">Largest batch a shard delivers.</param>
/// <param name="Crashes">Whether writes fail and batches are redelivered, restarted or bisected.</param>
/// <param name="ConcurrentShards">Whether shards are processed at the same time (as Lambda does) rather than interleaved.</param>
/// <param name="DedupCapacity">Fingerprints an entity item keeps (small: older ones move to the dedup table within the case).</param>
/// <param name="ArrivalSpreadMinutes">Events reach the stream up to this many minutes before the case's processing time (each
/// event's copies at its own arrival), so metric items evict windows and late-processed events bring them back.</param>
public sealed record CaseProfile(
    int MinEvents, int MaxEvents, int MaxShards, int MaxBatch, bool Crashes, bool ConcurrentShards,
    int DedupCapacity = AggregateWriter.DefaultDedupCapacity, int ArrivalSpreadMinutes = 0);

/// <summary>One event the generator made: its CloudEvent JSON and the canonical event the adapter must produce from it.</summary>
public sealed record GeneratedEvent(CanonicalEvent Expected, byte[] Json)
{
    /// <summary>When its records reached the stream (every copy alike; null: the case's processing time).</summary>
    public DateTimeOffset? Arrival { get; init; }
}

/// <summary>A record on a shard.</summary>
public sealed record ShardRecord(string ShardId, string SequenceNumber, GeneratedEvent Event)
{
    /// <summary>As the Ingest function hands it to the use case (Lambda's arrival timestamp has millisecond precision).</summary>
    public StreamRecord ToStreamRecord(DateTimeOffset processingStart) => ToStreamRecordAt(Event.Arrival ?? processingStart);

    private StreamRecord ToStreamRecordAt(DateTimeOffset arrived) => new(
        ShardId,
        SequenceNumber,
        Event.Expected.Entity.ToString(),
        Event.Json,
        DateTimeOffset.FromUnixTimeMilliseconds(arrived.ToUnixTimeMilliseconds()),
        "arn:aws:kinesis:us-east-1:000000000000:stream/events");
}

/// <summary>
/// A generated case: a fixed processing time, distinct events (some late beyond the grace, some with tied event
/// times, out of order), resends of some of them (same CloudEvent id, sometimes on another shard), all spread over
/// shards with increasing sequence numbers.
/// </summary>
public sealed class ExactnessCase
{
    private static readonly string[] Kinds = ["order", "ticket"];
    private static readonly string[] MeasureNames = ["amount", "qty"];
    private static readonly string[] Statuses = ["new", "open", "paid", "closed"];
    private static readonly string[] Types = ["order.created", "order.updated", "order.closed"];

    private ExactnessCase(int seed, string tenant, DateTimeOffset now, List<GeneratedEvent> events, Dictionary<string, List<ShardRecord>> shards)
    {
        Seed = seed;
        Tenant = tenant;
        Now = now;
        Events = events;
        Shards = shards;
    }

    public int Seed { get; }

    public string Tenant { get; }

    public DateTimeOffset Now { get; }

    /// <summary>Distinct events in generation order.</summary>
    public IReadOnlyList<GeneratedEvent> Events { get; }

    /// <summary>Records per shard, in shard order (duplicates included).</summary>
    public IReadOnlyDictionary<string, List<ShardRecord>> Shards { get; }

    /// <summary>Every entity kind and metric the generator can use (to know which partitions to read back).</summary>
    public static IReadOnlyList<string> AllKinds => Kinds;

    public static IReadOnlyList<string> AllMeasures => MeasureNames;

    /// <summary>Builds the case for <paramref name="seed"/>.</summary>
    public static ExactnessCase Generate(int seed, CaseProfile profile, TimeSpan grace)
    {
        var rng = new Random(seed);
        var tenant = $"x{seed}{Guid.NewGuid():N}"[..24];

        // Processing time: a whole minute plus a random offset, so boundaries sit at varying distances from now.
        var now = new DateTimeOffset(2026, 3, 10, 12, 0, 0, TimeSpan.Zero).AddMinutes(rng.Next(0, 3000))
            .AddMilliseconds(rng.Next(4) == 0 ? 0 : rng.Next(0, 60_000));
        var entities = Enumerable.Range(0, rng.Next(1, 4))
            .Select(i => new EntityRef(Kinds[rng.Next(Kinds.Length)], (i + 1).ToString(CultureInfo.InvariantCulture)))
            .Distinct()
            .ToList();
        var measures = MeasureNames.Take(rng.Next(1, 3)).ToList();
        var count = rng.Next(profile.MinEvents, profile.MaxEvents + 1);

        // A few shared instants so ties (same event time, different ids) happen often.
        var sharedTimes = Enumerable.Range(0, 3).Select(_ => EventTime(rng, now, grace)).ToList();
        var events = new List<GeneratedEvent>(count);
        for (var i = 0; i < count; i++)
        {
            var at = rng.Next(4) == 0 ? sharedTimes[rng.Next(sharedTimes.Count)] : EventTime(rng, now, grace);
            var entity = entities[rng.Next(entities.Count)];
            var m = new Dictionary<string, decimal>(StringComparer.Ordinal);
            foreach (var name in measures)
            {
                if (rng.Next(3) > 0)
                {
                    // Mixed scales and signs: decimal sums must be exact in any order.
                    m[name] = rng.Next(4) switch
                    {
                        0 => rng.Next(-50, 51),
                        1 => rng.Next(0, 100_000) / 100m,
                        2 => rng.Next(1, 10) / 1000m,
                        _ => rng.Next(0, 1_000_000),
                    };
                }
            }

            var attributes = new Dictionary<string, string>(StringComparer.Ordinal);
            if (rng.Next(4) > 0)
            {
                attributes["status"] = Statuses[rng.Next(Statuses.Length)];
            }

            if (rng.Next(3) == 0)
            {
                attributes["owner"] = "u" + rng.Next(5).ToString(CultureInfo.InvariantCulture);
            }

            var id = $"e{i}-{rng.Next(1000)}";
            var type = Types[rng.Next(Types.Length)];
            var expected = new CanonicalEvent(tenant, CloudEventsAdapter.SourceName, "/tests#" + id, type, at, entity, m, attributes);
            events.Add(new GeneratedEvent(expected, Json(tenant, id, type, at, entity, m, attributes)));
        }

        if (profile.ArrivalSpreadMinutes > 0)
        {
            // A separate generator, so the cases without a spread keep their seeds' events.
            var arrivals = new Random(seed ^ 0xA221);
            events = events.Select(e => e with { Arrival = now.AddSeconds(-arrivals.Next(0, profile.ArrivalSpreadMinutes * 60)) }).ToList();
        }

        // Resends: the same CloudEvent again, later in the stream, on the same or another shard.
        var shardCount = rng.Next(1, profile.MaxShards + 1);
        var sends = new List<(int Shard, GeneratedEvent Event)>();
        foreach (var e in events)
        {
            sends.Add((rng.Next(shardCount), e));
        }

        var resends = rng.Next(0, Math.Max(1, count / 3) + 1);
        for (var i = 0; i < resends; i++)
        {
            var e = events[rng.Next(events.Count)];
            sends.Insert(rng.Next(sends.Count + 1), (rng.Next(shardCount), e));
        }

        var shards = new Dictionary<string, List<ShardRecord>>(StringComparer.Ordinal);
        for (var s = 0; s < shardCount; s++)
        {
            var shardId = $"shardId-{s:D12}";
            var list = new List<ShardRecord>();

            // Kinesis sequence numbers are big decimal strings that grow within a shard (not by one).
            var seq = new System.Numerics.BigInteger(rng.Next(1, 1000)) * System.Numerics.BigInteger.Pow(10, 40);
            foreach (var (_, e) in sends.Where(x => x.Shard == s))
            {
                seq += rng.Next(1, 5000);
                list.Add(new ShardRecord(shardId, "49" + seq.ToString(CultureInfo.InvariantCulture).PadLeft(54, '0'), e));
            }

            shards[shardId] = list;
        }

        return new ExactnessCase(seed, tenant, now, events, shards);
    }

    /// <summary>Event times: mostly inside every open window, some right at a boundary, some beyond the grace (late).</summary>
    private static DateTimeOffset EventTime(Random rng, DateTimeOffset now, TimeSpan grace)
    {
        var minuteStart = new DateTimeOffset(now.UtcTicks - (now.UtcTicks % TimeSpan.TicksPerMinute), TimeSpan.Zero);
        return rng.Next(8) switch
        {
            // Recent: within the last hour (minute windows open).
            0 or 1 or 2 => now.AddMilliseconds(-rng.Next(0, (int)Math.Min(grace.TotalMilliseconds, 3_600_000))),

            // Around the oldest minute window still open: its start minus one millisecond is late, its start is not.
            3 => minuteStart - grace + TimeSpan.FromMilliseconds(rng.Next(-1, 2)),

            // Exactly on a minute boundary a little in the past.
            4 => minuteStart.AddMinutes(-rng.Next(0, 200)),

            // Hours ago: minute windows closed, hour windows maybe.
            5 => now.AddMinutes(-rng.Next(60, 300)).AddMilliseconds(rng.Next(0, 60_000)),

            // Days ago: every window closed.
            6 => now.AddHours(-rng.Next(24, 100)).AddMilliseconds(rng.Next(0, 3_600_000)),

            // Slightly in the future (clock skew of the producer): never late.
            _ => now.AddMilliseconds(rng.Next(0, 120_000)),
        };
    }

    private static byte[] Json(string tenant, string id, string type, DateTimeOffset at, EntityRef entity, Dictionary<string, decimal> measures, Dictionary<string, string> attributes)
    {
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms))
        {
            w.WriteStartObject();
            w.WriteString("specversion", "1.0");
            w.WriteString("id", id);
            w.WriteString("source", "/tests");
            w.WriteString("type", type);
            w.WriteString("time", at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture));
            w.WriteString("subject", $"{entity.Kind}/{entity.Id}");
            w.WriteString("tenant", tenant);
            w.WriteStartObject("data");
            foreach (var (k, v) in measures)
            {
                w.WriteNumber(k, v);
            }

            foreach (var (k, v) in attributes)
            {
                w.WriteString(k, v);
            }

            w.WriteEndObject();
            w.WriteEndObject();
        }

        return ms.ToArray();
    }

    /// <inheritdoc />
    public override string ToString()
    {
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"seed {Seed}, tenant {Tenant}, now {Now:O}, {Events.Count} events; shards: ");
        sb.AppendJoin(", ", Shards.Select(s => $"{s.Key}={s.Value.Count}"));
        return sb.ToString();
    }
}
