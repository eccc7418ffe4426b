namespace EventPipeline.StepFunctions.Local.Outbox;

/// <summary>Notification channels.</summary>
public static class OutboxChannels
{
    /// <summary>SES email.</summary>
    public const string Email = "email";

    /// <summary>SNS SMS.</summary>
    public const string Sms = "sms";
}
