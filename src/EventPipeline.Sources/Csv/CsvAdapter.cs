using System.Globalization;
using System.Text;
using EventPipeline.Domain;
using EventPipeline.Sources.Toolkit;

namespace EventPipeline.Sources.Csv;

/// <summary>
/// The legacy CSV line feed: RFC 4180 text (quoted fields with embedded commas, line breaks and <c>""</c> escapes;
/// CRLF or LF line ends) with a header row, one event per data row.
/// <list type="bullet">
/// <item>Required columns: <c>event_time</c> (RFC 3339), <c>entity_type</c>, <c>entity_id</c>, <c>event_type</c>;
/// optional <c>event_id</c>.</item>
/// <item>Dedup id: <c>event_id</c>, else the SHA-256 hex of (file name from header <c>x-file-name</c> or <c>stream</c>,
/// line number), so a re-sent file dedups line by line.</item>
/// <item>Every other column: a value that parses as an invariant-culture number is a measure, any other non-empty
/// value an attribute; empty cells are skipped.</item>
/// <item>One bad row rejects the whole record, naming <c>line N column C</c> (line numbers count physical lines
/// from 1 = the header, and a row is numbered by the line it starts on). All-or-nothing is simpler to reason about
/// than partial acceptance, and the record goes to the dead-letter path whole, where it can be fixed and replayed.</item>
/// <item>Blank lines are skipped.</item>
/// </list>
/// </summary>
public sealed class CsvAdapter : ISourceAdapter
{
    /// <summary>The source's name, declared once: <see cref="Name"/>, the catalog and envelopes use it.</summary>
    public const string SourceName = "csv";

    private const string FileNameHeader = "x-file-name";
    private static readonly string[] Required = ["event_time", "entity_type", "entity_id", "event_type"];

    /// <inheritdoc />
    public string Name => SourceName;

    /// <inheritdoc />
    public ValueTask<AdapterResult> AdaptAsync(IngestEnvelope envelope, CancellationToken cancellationToken) =>
        AdapterBoundary.Run(envelope, Map);

    private static List<CanonicalEvent> Map(IngestEnvelope envelope)
    {
        var tenant = AdapterBoundary.RequireTenant(envelope);
        var fileName = envelope.Header(FileNameHeader) is { Length: > 0 } f ? f : "stream";
        var rows = CsvReader.Read(envelope.Body);
        if (rows.Count == 0)
        {
            throw RejectionException.For("line 1", "header row required");
        }

        var header = rows[0];
        var columns = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < header.Fields.Count; i++)
        {
            var name = header.Fields[i].Trim();
            if (name.Length == 0 || !columns.TryAdd(name, i))
            {
                throw RejectionException.For($"line {header.Line} column {i + 1}", name.Length == 0 ? "header name required" : "duplicate header name");
            }
        }

        foreach (var name in Required)
        {
            if (!columns.ContainsKey(name))
            {
                throw RejectionException.For($"line {header.Line} column {name}", "required column missing");
            }
        }

        if (rows.Count == 1)
        {
            throw RejectionException.For("body", "must contain at least one data row");
        }

        var events = new List<CanonicalEvent>(rows.Count - 1);
        for (var r = 1; r < rows.Count; r++)
        {
            var row = rows[r];
            if (row.Fields.Count != header.Fields.Count)
            {
                throw RejectionException.For($"line {row.Line}", $"has {row.Fields.Count} columns, the header has {header.Fields.Count}");
            }

            // Static, so a row costs no closure over it.
            static string Cell(CsvRow row, Dictionary<string, int> columns, string column) => row.Fields[columns[column]].Trim();
            static string RequiredCell(CsvRow row, Dictionary<string, int> columns, string column) =>
                Cell(row, columns, column) is { Length: > 0 } v ? v : throw RejectionException.For($"line {row.Line} column {column}", "required");

            var time = Timestamps.TryParseAssumingUtc(RequiredCell(row, columns, "event_time"), out var at)
                ? at
                : throw RejectionException.For($"line {row.Line} column event_time", Timestamps.Rfc3339Rule);
            var entity = new EntityRef(AdapterBoundary.Kind(RequiredCell(row, columns, "entity_type")), RequiredCell(row, columns, "entity_id"));
            var type = RequiredCell(row, columns, "event_type");
            var eventId = columns.ContainsKey("event_id") && Cell(row, columns, "event_id") is { Length: > 0 } id
                ? id
                : StableId.Of(fileName, row.Line.ToString(CultureInfo.InvariantCulture));

            var measures = new FieldDictionary<decimal>(0);
            var attributes = new FieldDictionary<string>();
            foreach (var (name, index) in columns)
            {
                if (name is "event_id" or "event_time" or "entity_type" or "entity_id" or "event_type")
                {
                    continue;
                }

                var value = row.Fields[index].Trim();
                if (value.Length == 0)
                {
                    continue;
                }

                if (decimal.TryParse(value, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number))
                {
                    measures.Set(name, number);
                }
                else
                {
                    attributes.Set(name, value);
                }
            }

            events.Add(new CanonicalEvent(tenant, SourceName, eventId, type, time, entity, measures, attributes));
        }

        return events;
    }
}

/// <summary>One CSV row and the physical line it starts on (1-based).</summary>
internal sealed record CsvRow(int Line, IReadOnlyList<string> Fields);

/// <summary>A small RFC 4180 reader: rejections name the line (and column) where the text breaks the format.</summary>
internal static class CsvReader
{
    private static readonly System.Buffers.SearchValues<char> Special = System.Buffers.SearchValues.Create(",\"\r\n");

    public static List<CsvRow> Read(string text)
    {
        var rows = new List<CsvRow>();
        var fields = new List<string>();
        var field = new StringBuilder();
        var line = 1;
        var rowStart = 1;
        var i = 0;
        var quoted = false;
        var fieldWasQuoted = false;
        var rowHasContent = false;

        void EndField()
        {
            fields.Add(field.ToString());
            field.Clear();
            fieldWasQuoted = false;
        }

        void EndRow()
        {
            EndField();
            // A blank line (a single empty unquoted field) is skipped rather than read as a row.
            if (rowHasContent)
            {
                rows.Add(new CsvRow(rowStart, fields.ToArray()));
            }

            fields.Clear();
            rowHasContent = false;
        }

        while (i < text.Length)
        {
            var c = text[i];
            if (quoted)
            {
                if (c == '"')
                {
                    if (i + 1 < text.Length && text[i + 1] == '"')
                    {
                        field.Append('"');
                        i += 2;
                        continue;
                    }

                    quoted = false;
                    i++;
                    if (i < text.Length && text[i] is not (',' or '\r' or '\n'))
                    {
                        throw RejectionException.For($"line {line} column {fields.Count + 1}", "a closing quote must end the field");
                    }

                    continue;
                }

                if (c == '\n')
                {
                    line++;
                    field.Append(c);
                    i++;
                    continue;
                }

                // Up to the next quote or newline in one append: a quoted field is mostly plain text.
                var quotedRun = text.AsSpan(i).IndexOfAny('"', '\n');
                var quotedLength = quotedRun < 0 ? text.Length - i : quotedRun;
                field.Append(text.AsSpan(i, quotedLength));
                i += quotedLength;
                continue;
            }

            switch (c)
            {
                case '"' when field.Length == 0 && !fieldWasQuoted:
                    quoted = true;
                    fieldWasQuoted = true;
                    rowHasContent = true;
                    break;
                case '"':
                    throw RejectionException.For($"line {line} column {fields.Count + 1}", "quote inside an unquoted field (quote the field and double the quote)");
                case ',':
                    rowHasContent = true;
                    EndField();
                    break;
                case '\r' when i + 1 < text.Length && text[i + 1] == '\n':
                    break;
                case '\n' or '\r':
                    EndRow();
                    line++;
                    rowStart = line;
                    break;
                default:
                    // Up to the next character that means something, in one append rather than one per character.
                    rowHasContent = true;
                    var run = text.AsSpan(i).IndexOfAny(Special);
                    var length = run < 0 ? text.Length - i : run;
                    field.Append(text.AsSpan(i, length));
                    i += length;
                    continue;
            }

            i++;
        }

        if (quoted)
        {
            throw RejectionException.For($"line {rowStart} column {fields.Count + 1}", "unterminated quoted field");
        }

        EndRow();
        return rows;
    }
}
