namespace EventPipeline.StepFunctions.Local.Clients;

/// <summary>SNS <c>Publish</c>: a message to a phone number (SMS), a topic or a target; exactly one destination is set.</summary>
/// <param name="Message">The text.</param>
/// <param name="PhoneNumber">E.164 number for an SMS.</param>
/// <param name="TopicArn">A topic to publish to.</param>
/// <param name="TargetArn">A platform endpoint to publish to.</param>
/// <param name="Subject">Subject for email subscriptions of a topic.</param>
public sealed record SnsPublishRequest(string Message, string? PhoneNumber = null, string? TopicArn = null, string? TargetArn = null, string? Subject = null);
