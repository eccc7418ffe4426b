using System.Net.Http.Headers;
using System.Text;

namespace EventPipeline.StepFunctions.Local.Api;

/// <summary>
/// <see cref="StepFunctionsApi"/> as an <see cref="HttpMessageHandler"/>: an <see cref="HttpClient"/> built on it lets
/// the real <c>StepFunctionsClient</c> (or any JSON 1.0 client) call the local state machines in process, with the same
/// requests and responses as over a socket. It checks no signature: use it where no IAM boundary is being tested
/// (unit tests, a single-process tool); the local AWS endpoint is the place that checks SigV4 and IAM.
/// </summary>
public sealed class StepFunctionsApiMessageHandler(StepFunctionsApi api) : HttpMessageHandler
{
    /// <inheritdoc />
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var target = request.Headers.TryGetValues("X-Amz-Target", out var values) ? values.FirstOrDefault() : null;
        var body = request.Content is null ? [] : await request.Content.ReadAsByteArrayAsync(cancellationToken);
        var answer = await api.HandleAsync(target, body, cancellationToken);
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes(answer.Json));
        content.Headers.ContentType = new MediaTypeHeaderValue(StepFunctionsApi.ContentType);
        return new HttpResponseMessage((System.Net.HttpStatusCode)answer.Status) { Content = content, RequestMessage = request };
    }
}
