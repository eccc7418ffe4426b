using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using EventPipeline.Workflow;

namespace EventPipeline.Reminders;

/// <summary>
/// Validates the body of <c>POST /reminders</c> and turns it into the workflow's execution input. Every failing field
/// is reported, not just the first.
/// </summary>
public sealed partial class ReminderRequestValidator(TimeProvider clock)
{
    /// <summary>
    /// Longest message. SMS concatenates to about 1,600 characters and SES takes far more; 1,000 keeps one limit that both
    /// channels deliver whole, in at most ~7 SMS segments.
    /// </summary>
    public const int MaxMessageLength = 1000;

    /// <summary>
    /// Longest wait: one year minus one day, 31,449,600 s. A Standard workflow execution runs at most one year
    /// (Step Functions service quotas, "Quotas related to state machine executions": maximum execution time, Standard
    /// workflows, 1 year; https://docs.aws.amazon.com/step-functions/latest/dg/service-quotas.html), and one that runs
    /// longer fails with States.Timeout. The wait is not the whole execution: the condition check and the
    /// notifications, with their retries, come after it, so a reminder waiting the full year would time out before it
    /// could send. The day left covers them, and the clocks of this function and Step Functions disagreeing.
    /// </summary>
    public const int MaxWaitSeconds = OneYearSeconds - OneDaySeconds;

    private const int OneYearSeconds = 365 * 24 * 60 * 60;
    private const int OneDaySeconds = 24 * 60 * 60;

    /// <summary>Rule texts, shared with the tests so a reworded rule changes in one place.</summary>
    public static class Rules
    {
        public const string Body = "must be a JSON object";
        public const string ExactlyOneWhen = "exactly one of waitSeconds or at is required";
        public const string WaitSeconds = "must be an integer from 1 to 31449600 (one year minus one day)";
        public const string AtFormat = "must be an ISO-8601 timestamp with a time zone, e.g. 2030-01-02T03:04:05Z";
        public const string AtFuture = "must be in the future";
        public const string AtWithinYear = "must be at most 31449600 seconds (one year minus one day) from now";
        public const string Preference = "must be one of email, sms, both";
        public const string Message = "must be a string of 1 to 1000 characters";
        public const string Email = "must be an email address (name@domain.tld)";
        public const string Phone = "must be E.164 (+ then 8-15 digits)";
        public const string Together = "entity and condition must be given together";
        public const string EntityKind = "must be 1-64 letters, digits, '-', '_' or '.'";
        public const string EntityId = "must be a string of 1 to 256 characters";
        public const string ConditionAttribute = "must be a string of 1 to 255 characters";
        public const string ConditionEquals = "must be a string or a number";
        public const string Object = "must be an object";
    }

    /// <summary>Field names as they appear in errors.</summary>
    public static class Fields
    {
        public const string Body = "body";
        public const string When = "waitSeconds|at";
        public const string WaitSeconds = "waitSeconds";
        public const string At = "at";
        public const string Preference = "preference";
        public const string Message = "message";
        public const string Email = "email";
        public const string Phone = "phone";
        public const string Entity = "entity";
        public const string EntityKind = "entity.kind";
        public const string EntityId = "entity.id";
        public const string Condition = "condition";
        public const string ConditionAttribute = "condition.attribute";
        public const string ConditionEquals = "condition.equals";
    }

    private static readonly string[] Preferences = ["email", "sms", "both"];

    /// <summary>
    /// Validates <paramref name="body"/> for <paramref name="tenant"/>. On success returns the execution input JSON
    /// (deterministic for the same body, so retries hash the same) and no errors.
    /// </summary>
    public (string? InputJson, IReadOnlyList<ValidationError> Errors) Validate(string tenant, string? body)
    {
        var errors = new List<ValidationError>();
        JsonObject? request;
        try
        {
            request = string.IsNullOrWhiteSpace(body) ? null : JsonNode.Parse(body) as JsonObject;
        }
        catch (JsonException)
        {
            request = null;
        }

        if (request is null)
        {
            return (null, [new(Fields.Body, Rules.Body)]);
        }

        var input = new JsonObject { [ReminderInput.Tenant] = tenant };

        // When: exactly one of waitSeconds / at.
        var wait = Present(request, "waitSeconds");
        var at = Present(request, "at");
        if ((wait is null) == (at is null))
        {
            errors.Add(new(Fields.When, Rules.ExactlyOneWhen));
        }
        else if (wait is not null)
        {
            if (wait.GetValueKind() == JsonValueKind.Number && wait.AsValue().TryGetValue<long>(out var seconds) && seconds is >= 1 and <= MaxWaitSeconds)
            {
                input[ReminderInput.WaitSeconds] = seconds;
            }
            else
            {
                errors.Add(new(Fields.WaitSeconds, Rules.WaitSeconds));
            }
        }
        else if (TryTimestamp(at, out var when))
        {
            var now = clock.GetUtcNow();
            if (when <= now)
            {
                errors.Add(new(Fields.At, Rules.AtFuture));
            }
            else if (when > now.AddSeconds(MaxWaitSeconds))
            {
                errors.Add(new(Fields.At, Rules.AtWithinYear));
            }
            else
            {
                // Step Functions wants an uppercase T and Z and ignores milliseconds.
                input[ReminderInput.At] = when.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
            }
        }
        else
        {
            errors.Add(new(Fields.At, Rules.AtFormat));
        }

        // Preference, and the addresses it needs.
        var preference = Text(request, "preference");
        if (preference is null || !Preferences.Contains(preference, StringComparer.Ordinal))
        {
            errors.Add(new(Fields.Preference, Rules.Preference));
            preference = null;
        }
        else
        {
            input[ReminderInput.Preference] = preference;
        }

        var message = Text(request, "message");
        if (message is null || message.Length is 0 or > MaxMessageLength)
        {
            errors.Add(new(Fields.Message, Rules.Message));
        }
        else
        {
            input[ReminderInput.Message] = message;
        }

        if (preference is "email" or "both")
        {
            var email = Text(request, "email");
            if (email is null || !IsEmail(email))
            {
                errors.Add(new(Fields.Email, Rules.Email));
            }
            else
            {
                input[ReminderInput.Email] = email;
            }
        }

        if (preference is "sms" or "both")
        {
            var phone = Text(request, "phone");
            if (phone is null || !E164().IsMatch(phone))
            {
                errors.Add(new(Fields.Phone, Rules.Phone));
            }
            else
            {
                input[ReminderInput.Phone] = phone;
            }
        }

        // Optional condition on an aggregate: entity and condition together.
        var entity = Present(request, "entity");
        var condition = Present(request, "condition");
        if ((entity is null) != (condition is null))
        {
            errors.Add(new(entity is null ? Fields.Entity : Fields.Condition, Rules.Together));
        }
        else if (entity is not null && condition is not null)
        {
            ValidateCondition(tenant, entity, condition, input, errors);
        }

        return errors.Count > 0 ? (null, errors) : (input.ToJsonString(), errors);
    }

    private static void ValidateCondition(string tenant, JsonNode entity, JsonNode condition, JsonObject input, List<ValidationError> errors)
    {
        string? kind = null, id = null, attribute = null, equals = null;
        if (entity is JsonObject e)
        {
            kind = Text(e, "kind");
            if (kind is null || !EntityKind().IsMatch(kind))
            {
                errors.Add(new(Fields.EntityKind, Rules.EntityKind));
                kind = null;
            }

            id = Text(e, "id");
            if (id is null || id.Length is 0 or > 256)
            {
                errors.Add(new(Fields.EntityId, Rules.EntityId));
                id = null;
            }
        }
        else
        {
            errors.Add(new(Fields.Entity, Rules.Object));
        }

        if (condition is JsonObject c)
        {
            attribute = Text(c, "attribute");
            if (attribute is null || attribute.Length is 0 or > 255)
            {
                errors.Add(new(Fields.ConditionAttribute, Rules.ConditionAttribute));
                attribute = null;
            }

            var value = Present(c, "equals");
            equals = value?.GetValueKind() switch
            {
                JsonValueKind.String => value.GetValue<string>(),

                // DynamoDB JSON carries numbers as text ({"N":"2"}); compare as text.
                JsonValueKind.Number => value.ToJsonString(),
                _ => null,
            };
            if (equals is null)
            {
                errors.Add(new(Fields.ConditionEquals, Rules.ConditionEquals));
            }
        }
        else
        {
            errors.Add(new(Fields.Condition, Rules.Object));
        }

        if (kind is not null && id is not null && attribute is not null && equals is not null)
        {
            input[ReminderInput.EntityKey] = new JsonObject { ["pk"] = ReminderInput.EntityPartitionKey(tenant, kind), ["sk"] = id };
            input[ReminderInput.Condition] = new JsonObject { ["attribute"] = attribute, ["equals"] = equals };
        }
    }

    private static JsonNode? Present(JsonObject obj, string name)
        => obj.TryGetPropertyValue(name, out var value) && value is not null && value.GetValueKind() != JsonValueKind.Null ? value : null;

    private static string? Text(JsonObject obj, string name)
        => Present(obj, name) is { } v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;

    private static bool TryTimestamp(JsonNode? node, out DateTimeOffset value)
    {
        value = default;
        return node?.GetValueKind() == JsonValueKind.String
            && node.GetValue<string>() is { } text
            && IsoWithZone().IsMatch(text)
            && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out value);
    }

    private static bool IsEmail(string value)
    {
        if (value.Length > 254 || value.Any(char.IsWhiteSpace))
        {
            return false;
        }

        var at = value.IndexOf('@', StringComparison.Ordinal);
        if (at <= 0 || at != value.LastIndexOf('@'))
        {
            return false;
        }

        var domain = value[(at + 1)..];
        var labels = domain.Split('.');
        return labels.Length >= 2 && labels.All(l => l.Length > 0 && !l.StartsWith('-') && !l.EndsWith('-'));
    }

    [GeneratedRegex(@"^\+[0-9]{8,15}$", RegexOptions.CultureInvariant)]
    private static partial Regex E164();

    [GeneratedRegex(@"^[A-Za-z0-9_.\-]{1,64}$", RegexOptions.CultureInvariant)]
    private static partial Regex EntityKind();

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+\-]\d{2}:\d{2})$", RegexOptions.CultureInvariant)]
    private static partial Regex IsoWithZone();
}
