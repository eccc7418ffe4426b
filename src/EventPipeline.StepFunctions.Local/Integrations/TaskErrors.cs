using EventPipeline.Aws.Clients;

namespace EventPipeline.StepFunctions.Local.Integrations;

/// <summary>How a service error becomes the error name a definition's Retry and Catch match.</summary>
internal static class TaskErrors
{
    /// <summary>
    /// <c>{service}.{error}</c>, the error always ending in <c>Exception</c>: Step Functions names errors of service
    /// integrations so, adding the suffix where the service's own code lacks it (SES's <c>MessageRejected</c> is
    /// <c>SesV2.MessageRejectedException</c>, SNS's <c>InvalidParameter</c> is <c>SNS.InvalidParameterException</c>);
    /// see "Learning to use AWS service SDK integrations in Step Functions" in the developer guide.
    /// </summary>
    public static StatesErrorException From(string service, AwsServiceException error)
    {
        var code = error.ErrorCode.EndsWith("Exception", StringComparison.Ordinal) ? error.ErrorCode : error.ErrorCode + "Exception";
        var cause = error.Message;
        return new StatesErrorException($"{service}.{code}", cause);
    }
}
