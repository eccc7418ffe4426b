namespace EventPipeline.StepFunctions.Local.Clients;

/// <summary>
/// The one Amazon SES API v2 call the reminder workflow makes (<c>SendEmail</c>, REST-JSON). Local only: in AWS the
/// state machine calls SES itself; locally the executor's task handler calls it through this, so a test can swap in
/// <see cref="Outbox.InMemoryNotifications"/> and the local stack points it at moto.
/// </summary>
public interface ISesV2Client
{
    /// <summary>Sends <paramref name="email"/>; returns SES's MessageId. Service errors are <c>AwsServiceException</c>s.</summary>
    Task<string> SendEmailAsync(SesV2Email email, CancellationToken cancellationToken);
}
