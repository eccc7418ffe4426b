using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace EventPipeline.StepFunctions.Local;

/// <summary>Numbers of the state data, whichever way their nodes were made.</summary>
internal static class JsonNumbers
{
    /// <summary>
    /// The value of a JSON number. <c>GetValue&lt;decimal&gt;</c> alone is not enough: a node parsed from text converts,
    /// but one a task handler built from a CLR value (<c>["Count"] = 1</c>, an <c>int</c>) only converts to its own
    /// type, so the number's JSON text is read instead. False for anything that is not a number.
    /// </summary>
    public static bool TryDecimal(JsonNode? node, out decimal value)
    {
        value = 0;
        if (node is not JsonValue number || number.GetValueKind() != JsonValueKind.Number)
        {
            return false;
        }

        return number.TryGetValue(out value)
            || decimal.TryParse(number.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture, out value);
    }
}
