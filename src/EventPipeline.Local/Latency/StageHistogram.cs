using HdrHistogram;
using HdrHistogram.Utilities;

namespace EventPipeline.Local.Latency;

/// <summary>
/// One stage's latencies (HdrHistogram, microseconds, 3 significant digits): every value since start, and the last
/// minute in six 10-second slices (what the dashboard shows as "current"). Values below 1 µs (clock skew between two
/// stamps) count as 1 µs. Thread-safe.
/// </summary>
public sealed class StageHistogram
{
    /// <summary>Largest value kept exactly: one hour.</summary>
    public const long HighestMicroseconds = 3_600_000_000;

    private const int Slices = 6;
    private static readonly TimeSpan SliceLength = TimeSpan.FromSeconds(10);

    private readonly Lock _gate = new();
    private readonly TimeProvider _clock;
    private readonly LongHistogram _total = Create();
    private readonly LongHistogram[] _slices = Enumerable.Range(0, Slices).Select(_ => Create()).ToArray();
    private readonly long[] _sliceNumbers = new long[Slices];

    /// <summary>A histogram whose recent window follows <paramref name="clock"/> (the system clock by default).</summary>
    public StageHistogram(TimeProvider? clock = null) => _clock = clock ?? TimeProvider.System;

    /// <summary>A histogram of microseconds with this class's range and precision.</summary>
    public static LongHistogram Create() => new(1, HighestMicroseconds, 3);

    /// <summary>Records one value.</summary>
    public void Record(TimeSpan value)
    {
        var micros = Math.Clamp((long)value.TotalMicroseconds, 1, HighestMicroseconds);
        var slice = _clock.GetUtcNow().Ticks / SliceLength.Ticks;
        lock (_gate)
        {
            _total.RecordValue(micros);
            var index = (int)(slice % Slices);
            if (_sliceNumbers[index] != slice)
            {
                _slices[index].Reset();
                _sliceNumbers[index] = slice;
            }

            _slices[index].RecordValue(micros);
        }
    }

    /// <summary>Every value since start.</summary>
    public StageSummary Total()
    {
        lock (_gate)
        {
            return StageSummary.Of(_total);
        }
    }

    /// <summary>The values of the last minute.</summary>
    public StageSummary Recent()
    {
        var now = _clock.GetUtcNow().Ticks / SliceLength.Ticks;
        var recent = Create();
        lock (_gate)
        {
            for (var i = 0; i < Slices; i++)
            {
                if (now - _sliceNumbers[i] < Slices)
                {
                    recent.Add(_slices[i]);
                }
            }
        }

        return StageSummary.Of(recent);
    }

    /// <summary>Every value since start, in HdrHistogram's compressed encoding, base64 (for a client computing deltas).</summary>
    public string EncodeTotal()
    {
        lock (_gate)
        {
            var buffer = ByteBuffer.Allocate(_total.GetNeededByteBufferCapacity());
            var length = HistogramEncoding.EncodeIntoCompressedByteBuffer(_total, buffer);
            buffer.Position = 0;
            var bytes = new byte[length];
            for (var i = 0; i < length; i++)
            {
                bytes[i] = buffer.Get();
            }

            return Convert.ToBase64String(bytes);
        }
    }

    /// <summary>A histogram <see cref="EncodeTotal"/> wrote.</summary>
    public static HistogramBase Decode(string base64)
    {
        ArgumentNullException.ThrowIfNull(base64);
        return HistogramEncoding.DecodeFromCompressedByteBuffer(ByteBuffer.Allocate(Convert.FromBase64String(base64)), HighestMicroseconds);
    }

    /// <summary>
    /// What was recorded between two snapshots of the same histogram: <paramref name="after"/>'s counts minus
    /// <paramref name="before"/>'s, value by value (null <paramref name="before"/>: everything in <paramref name="after"/>).
    /// </summary>
    public static LongHistogram Between(HistogramBase? before, HistogramBase after)
    {
        ArgumentNullException.ThrowIfNull(after);
        var delta = Create();
        foreach (var v in after.RecordedValues())
        {
            var count = v.CountAtValueIteratedTo - (before?.GetCountAtValue(v.ValueIteratedTo) ?? 0);
            if (count > 0)
            {
                delta.RecordValueWithCount(Math.Clamp(v.ValueIteratedTo, 1, HighestMicroseconds), count);
            }
        }

        return delta;
    }
}
