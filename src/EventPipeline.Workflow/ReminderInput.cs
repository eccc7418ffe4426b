namespace EventPipeline.Workflow;

/// <summary>
/// Field names of the execution input the reminder API writes and the definition reads, kept in one place.
/// Shape: <c>{tenant, preference, message, email?, phone?, waitSeconds | at, entityKey?: {pk, sk}, condition?: {attribute, equals}}</c>.
/// </summary>
public static class ReminderInput
{
    public const string Tenant = "tenant";
    public const string Preference = "preference";
    public const string Message = "message";
    public const string Email = "email";
    public const string Phone = "phone";

    /// <summary>
    /// Integer seconds to wait: 1 to 31,449,600, one year minus one day, so that the rest of the execution fits in a
    /// Standard workflow's one-year maximum (the Reminders API enforces it, and the same bound for <see cref="At"/>).
    /// </summary>
    public const string WaitSeconds = "waitSeconds";

    /// <summary>UTC timestamp <c>yyyy-MM-ddTHH:mm:ssZ</c> (Step Functions wants an uppercase T and Z).</summary>
    public const string At = "at";

    /// <summary>The aggregate item's key: <c>{pk: "T#{tenant}#E#{kind}", sk: "{id}"}</c>.</summary>
    public const string EntityKey = "entityKey";

    /// <summary>
    /// <c>{attribute, equals}</c>: notify only if the entity item's attribute (stored as <c>attrs.{attribute}.v</c>, a
    /// string) equals <c>equals</c> (text; numbers are sent as their JSON text). The check is a DynamoDB Query that counts
    /// the matching item, so the comparison is DynamoDB's and the definition reads one number.
    /// </summary>
    public const string Condition = "condition";

    /// <summary>The aggregates table's partition key of an entity view: <c>T#{tenant}#E#{kind}</c>.</summary>
    public static string EntityPartitionKey(string tenant, string kind) => $"T#{tenant}#E#{kind}";
}
