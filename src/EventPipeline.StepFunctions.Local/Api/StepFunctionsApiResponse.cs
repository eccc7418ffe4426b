namespace EventPipeline.StepFunctions.Local.Api;

/// <summary>
/// One answer of <see cref="StepFunctionsApi"/>: the HTTP status and the JSON body to send with
/// <c>Content-Type: application/x-amz-json-1.0</c>. Errors are status 400 with <c>{"__type": code, "message": text}</c>.
/// </summary>
/// <param name="Status">200, or 400 for every error the API defines.</param>
/// <param name="Json">The response body.</param>
public readonly record struct StepFunctionsApiResponse(int Status, string Json);
