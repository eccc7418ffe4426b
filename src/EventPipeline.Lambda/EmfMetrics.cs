using System.Buffers;
using System.Text;
using System.Text.Json;

namespace EventPipeline.Lambda;

/// <summary>
/// Counters written as CloudWatch Embedded Metric Format lines (docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/
/// CloudWatch_Embedded_Metric_Format_Specification.html): on Lambda, a JSON line on stdout becomes metrics, no API call.
/// <see cref="Increment"/> adds to the values pending for the next <see cref="Flush"/> and to <see cref="Totals"/>;
/// <see cref="Record"/> keeps each value of a distribution (latencies), written as the value array EMF allows, so
/// CloudWatch can give its percentiles. Thread-safe.
/// </summary>
public sealed class EmfMetrics
{
    /// <summary>The spec's limit on MetricDefinitions per MetricDirective.</summary>
    public const int MaxMetricsPerDirective = 100;

    /// <summary>The spec's limit on values in one metric's array; more values go to further lines.</summary>
    public const int MaxValuesPerMetric = 100;

    /// <summary>The spec's limit on keys per DimensionSet.</summary>
    public const int MaxDimensions = 30;

    /// <summary>CloudWatch's metric units (MetricDatum.Unit), the only values EMF accepts for <c>Unit</c>.</summary>
    public static IReadOnlySet<string> Units { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        "Seconds", "Microseconds", "Milliseconds", "Bytes", "Kilobytes", "Megabytes", "Gigabytes", "Terabytes",
        "Bits", "Kilobits", "Megabits", "Gigabits", "Terabits", "Percent", "Count",
        "Bytes/Second", "Kilobytes/Second", "Megabytes/Second", "Gigabytes/Second", "Terabytes/Second",
        "Bits/Second", "Kilobits/Second", "Megabits/Second", "Gigabits/Second", "Terabits/Second", "Count/Second", "None",
    };

    private static readonly JsonEncodedText NamespaceProperty = JsonEncodedText.Encode("Namespace");
    private static readonly JsonEncodedText DimensionsProperty = JsonEncodedText.Encode("Dimensions");

    private readonly Lock _gate = new();
    private readonly TextWriter _writer;
    private readonly TimeProvider _clock;
    private readonly KeyValuePair<string, string>[] _dimensions;
    // Insertion-ordered so lines list metrics in the order code first touched them.
    private readonly Dictionary<string, Pending> _pending = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<double>> _distributions = new(StringComparer.Ordinal);
    private readonly List<string> _order = [];
    private readonly Dictionary<string, double> _totals = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _units = new(StringComparer.Ordinal);
    private readonly HashSet<string> _counters = new(StringComparer.Ordinal);
    private readonly HashSet<string> _distributionNames = new(StringComparer.Ordinal);
    private readonly ArrayBufferWriter<byte> _buffer = new(2048);

    /// <summary>A metrics writer for one CloudWatch namespace and one fixed dimension set.</summary>
    /// <param name="namespace">CloudWatch namespace, 1–255 characters (e.g. "EventPipeline").</param>
    /// <param name="writer">Usually <see cref="Console.Out"/>.</param>
    /// <param name="dimensions">Dimension names and values on every line (e.g. FunctionName); at most 30, values non-empty.</param>
    /// <param name="clock">Source of <c>_aws.Timestamp</c>; the system clock by default.</param>
    public EmfMetrics(string @namespace, TextWriter writer, IEnumerable<KeyValuePair<string, string>>? dimensions = null, TimeProvider? clock = null)
    {
        ArgumentNullException.ThrowIfNull(@namespace);
        ArgumentNullException.ThrowIfNull(writer);
        if (@namespace.Length is 0 or > 255 || string.IsNullOrWhiteSpace(@namespace))
        {
            throw new ArgumentException("namespace must be 1 to 255 characters and not blank.", nameof(@namespace));
        }

        Namespace = @namespace;
        _writer = writer;
        _clock = clock ?? TimeProvider.System;
        _dimensions = (dimensions ?? []).ToArray();
        if (_dimensions.Length > MaxDimensions)
        {
            throw new ArgumentException($"dimensions has {_dimensions.Length} entries; EMF allows at most {MaxDimensions}.", nameof(dimensions));
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (name, value) in _dimensions)
        {
            if (string.IsNullOrWhiteSpace(name) || name.Length > 255 || name == "_aws")
            {
                throw new ArgumentException($"dimension name '{name}' must be 1 to 255 characters and not '_aws'.", nameof(dimensions));
            }

            if (string.IsNullOrWhiteSpace(value))
            {
                throw new ArgumentException($"dimension '{name}' has an empty value; CloudWatch requires a non-blank string.", nameof(dimensions));
            }

            if (!seen.Add(name))
            {
                throw new ArgumentException($"dimension '{name}' appears twice.", nameof(dimensions));
            }
        }
    }

    /// <summary>
    /// Metrics for a function: dimension <c>FunctionName</c> = <paramref name="functionName"/>, else
    /// <c>AWS_LAMBDA_FUNCTION_NAME</c>, else "local"; written to stdout unless <paramref name="writer"/> is given.
    /// </summary>
    public static EmfMetrics ForFunction(string @namespace, string? functionName = null, TextWriter? writer = null, TimeProvider? clock = null)
    {
        var name = functionName ?? Environment.GetEnvironmentVariable("AWS_LAMBDA_FUNCTION_NAME");
        return new EmfMetrics(
            @namespace,
            writer ?? Console.Out,
            [new("FunctionName", string.IsNullOrWhiteSpace(name) ? "local" : name)],
            clock);
    }

    /// <summary>The CloudWatch namespace of every line.</summary>
    public string Namespace { get; }

    /// <summary>The dimension names and values on every line.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Dimensions => _dimensions;

    /// <summary>A snapshot of each metric's sum since this instance was created (flushed or not), for a local dashboard.</summary>
    public IReadOnlyDictionary<string, double> Totals
    {
        get
        {
            lock (_gate)
            {
                return new Dictionary<string, double>(_totals, StringComparer.Ordinal);
            }
        }
    }

    /// <summary>Adds <paramref name="value"/> to metric <paramref name="name"/>.</summary>
    /// <param name="name">Metric name, 1–255 characters; must not clash with a dimension name or "_aws".</param>
    /// <param name="value">A finite number; counters add 1.</param>
    /// <param name="unit">A CloudWatch unit (see <see cref="Units"/>); one metric keeps one unit.</param>
    public void Increment(string name, double value = 1, string unit = "Count")
    {
        Validate(name, value, unit);
        lock (_gate)
        {
            Claim(name, unit, distribution: false);
            if (_pending.TryGetValue(name, out var pending))
            {
                _pending[name] = pending with { Value = pending.Value + value };
            }
            else
            {
                _pending[name] = new Pending(value, unit);
                _order.Add(name);
            }

            _totals[name] = _totals.GetValueOrDefault(name) + value;
        }
    }

    /// <summary>
    /// Keeps <paramref name="value"/> as one more value of distribution <paramref name="name"/> (a latency, a size): the
    /// next <see cref="Flush"/> writes every value kept, at most <see cref="MaxValuesPerMetric"/> per line.
    /// </summary>
    /// <param name="name">Metric name (rules as <see cref="Increment"/>); a name is a counter or a distribution, not both.</param>
    /// <param name="value">A finite number.</param>
    /// <param name="unit">A CloudWatch unit; one metric keeps one unit.</param>
    public void Record(string name, double value, string unit = "Milliseconds")
    {
        Validate(name, value, unit);
        lock (_gate)
        {
            Claim(name, unit, distribution: true);
            if (!_distributions.TryGetValue(name, out var values))
            {
                values = [];
                _distributions[name] = values;
                _order.Add(name);
            }

            values.Add(value);
            _totals[name] = _totals.GetValueOrDefault(name) + value;
        }
    }

    private void Validate(string name, double value, string unit)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(unit);
        if (name.Length is 0 or > 255 || string.IsNullOrWhiteSpace(name) || name == "_aws")
        {
            throw new ArgumentException($"metric name '{name}' must be 1 to 255 characters and not '_aws'.", nameof(name));
        }

        if (!double.IsFinite(value))
        {
            throw new ArgumentOutOfRangeException(nameof(value), value, $"metric '{name}' value must be a finite number.");
        }

        if (!Units.Contains(unit))
        {
            throw new ArgumentException($"metric '{name}' unit '{unit}' is not a CloudWatch unit (e.g. Count, Milliseconds, Bytes, None).", nameof(unit));
        }

        foreach (var (dimension, _) in _dimensions)
        {
            if (dimension == name)
            {
                throw new ArgumentException($"metric name '{name}' is also a dimension name; EMF needs distinct root members.", nameof(name));
            }
        }
    }

    /// <summary>One unit per metric, and one kind: a counter's sum and a distribution's values cannot share a name.</summary>
    private void Claim(string name, string unit, bool distribution)
    {
        if (_units.TryGetValue(name, out var known))
        {
            if (known != unit)
            {
                throw new ArgumentException($"metric '{name}' was recorded in '{known}'; it cannot also use '{unit}'.", nameof(unit));
            }
        }
        else
        {
            _units[name] = unit;
        }

        if (distribution ? _counters.Contains(name) : _distributionNames.Contains(name))
        {
            throw new ArgumentException($"metric '{name}' is already a {(distribution ? "counter" : "distribution")}; a name is one or the other.", nameof(name));
        }

        (distribution ? _distributionNames : _counters).Add(name);
    }

    /// <summary>
    /// Writes one EMF line with every metric recorded since the last flush, then clears them. More than 100 metrics
    /// are split over several MetricDirectives in the same line, as the spec allows at most 100 per directive; a
    /// distribution with more than <see cref="MaxValuesPerMetric"/> values continues on further lines.
    /// </summary>
    /// <returns>False (and writes nothing) when nothing was recorded since the last flush.</returns>
    public bool Flush()
    {
        lock (_gate)
        {
            if (_order.Count == 0)
            {
                return false;
            }

            var lines = Math.Max(1, _distributions.Values.Select(v => (v.Count + MaxValuesPerMetric - 1) / MaxValuesPerMetric).DefaultIfEmpty(1).Max());
            for (var line = 0; line < lines; line++)
            {
                // The first line has every counter; each line has the next slice of every distribution still holding values.
                var members = _order.Where(n => _distributions.TryGetValue(n, out var v) ? v.Count > line * MaxValuesPerMetric : line == 0).ToList();
                WriteLine(members, line);
            }

            _pending.Clear();
            _distributions.Clear();
            _order.Clear();
            return true;
        }
    }

    private void WriteLine(List<string> members, int line)
    {
        _buffer.ResetWrittenCount();
        using (var w = new Utf8JsonWriter(_buffer))
        {
            w.WriteStartObject();
            w.WriteStartObject("_aws");
            w.WriteNumber("Timestamp", _clock.GetUtcNow().ToUnixTimeMilliseconds());
            w.WriteStartArray("CloudWatchMetrics");
            for (var start = 0; start < members.Count; start += MaxMetricsPerDirective)
            {
                w.WriteStartObject();
                w.WriteString(NamespaceProperty, Namespace);
                w.WriteStartArray(DimensionsProperty);
                w.WriteStartArray();
                foreach (var (dimension, _) in _dimensions)
                {
                    w.WriteStringValue(dimension);
                }

                w.WriteEndArray();
                w.WriteEndArray();
                w.WriteStartArray("Metrics");
                for (var i = start; i < Math.Min(start + MaxMetricsPerDirective, members.Count); i++)
                {
                    w.WriteStartObject();
                    w.WriteString("Name", members[i]);
                    w.WriteString("Unit", _units[members[i]]);
                    w.WriteEndObject();
                }

                w.WriteEndArray();
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();

            // Target members: dimension values as strings, metric values as numbers (or arrays of them), all on the root node.
            foreach (var (dimension, value) in _dimensions)
            {
                w.WriteString(dimension, value);
            }

            foreach (var name in members)
            {
                if (_distributions.TryGetValue(name, out var values))
                {
                    w.WriteStartArray(name);
                    foreach (var v in values.Skip(line * MaxValuesPerMetric).Take(MaxValuesPerMetric))
                    {
                        w.WriteNumberValue(v);
                    }

                    w.WriteEndArray();
                }
                else
                {
                    w.WriteNumber(name, _pending[name].Value);
                }
            }

            w.WriteEndObject();
        }

        _writer.WriteLine(Encoding.UTF8.GetString(_buffer.WrittenSpan));
        _writer.Flush();
    }

    private readonly record struct Pending(double Value, string Unit);
}
