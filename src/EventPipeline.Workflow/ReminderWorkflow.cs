using System.Text;

namespace EventPipeline.Workflow;

/// <summary>
/// The reminder state machine (Amazon States Language, Standard workflow): wait (seconds or until a timestamp),
/// optionally check one attribute of an aggregate item, then notify by email (SES v2), SMS (SNS) or both.
/// The same text is deployed by the CDK app (with <see cref="Placeholders"/> as DefinitionSubstitutions) and run
/// by the local executor.
/// </summary>
public static class ReminderWorkflow
{
    private const string ResourceName = "EventPipeline.Workflow.ReminderWorkflow.asl.json";

    /// <summary>The definition with its <c>${...}</c> placeholders unreplaced.</summary>
    public static string DefinitionJson { get; } = Load();

    /// <summary>Names of the DefinitionSubstitutions the definition expects (without <c>${</c> and <c>}</c>).</summary>
    public static class Placeholders
    {
        /// <summary>Name of the aggregates table that the condition check reads.</summary>
        public const string AggregatesTableName = "AggregatesTableName";

        /// <summary>The verified SES identity reminders are sent from.</summary>
        public const string FromEmailAddress = "FromEmailAddress";

        /// <summary>Every placeholder.</summary>
        public static IReadOnlyList<string> All { get; } = [AggregatesTableName, FromEmailAddress];
    }

    /// <summary>Task resources the definition uses (the local executor needs a handler for each).</summary>
    public static class Resources
    {
        /// <summary>The condition check: a Query that counts the entity item whose attribute equals the expected text.</summary>
        public const string DynamoDbQuery = "arn:aws:states:::aws-sdk:dynamodb:query";
        public const string SesV2SendEmail = "arn:aws:states:::aws-sdk:sesv2:sendEmail";
        public const string SnsPublish = "arn:aws:states:::sns:publish";
    }

    /// <summary>Error of the execution when the preference is not email, sms or both.</summary>
    public const string InvalidPreferenceError = "InvalidPreference";

    /// <summary>Error of the execution when a notification (or the condition read) failed after its retries.</summary>
    public const string NotificationFailedError = "NotificationFailed";

    /// <summary>
    /// The definition with every placeholder replaced, as CloudFormation does with DefinitionSubstitutions.
    /// Throws when a placeholder has no value, so a local stack cannot run a half-rendered definition.
    /// </summary>
    public static string Render(IReadOnlyDictionary<string, string> substitutions)
    {
        ArgumentNullException.ThrowIfNull(substitutions);
        var text = new StringBuilder(DefinitionJson);
        foreach (var name in Placeholders.All)
        {
            if (!substitutions.TryGetValue(name, out var value))
            {
                throw new ArgumentException($"substitution '{name}' is required", nameof(substitutions));
            }

            // Values land inside JSON strings: escape what JSON would.
            var escaped = System.Text.Json.JsonEncodedText.Encode(value).ToString();
            text.Replace("${" + name + "}", escaped);
        }

        return text.ToString();
    }

    private static string Load()
    {
        using var stream = typeof(ReminderWorkflow).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"embedded resource {ResourceName} is missing");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return reader.ReadToEnd();
    }
}
