namespace EventPipeline.StepFunctions.Local.Clients;

/// <summary>
/// The one Amazon SNS call the reminder workflow makes (<c>Publish</c>, Query protocol). Local only, like
/// <see cref="ISesV2Client"/>: in AWS the state machine publishes itself.
/// </summary>
public interface ISnsClient
{
    /// <summary>Publishes <paramref name="request"/>; returns SNS's MessageId. Service errors are <c>AwsServiceException</c>s.</summary>
    Task<string> PublishAsync(SnsPublishRequest request, CancellationToken cancellationToken);
}
