using System.Collections.Concurrent;

namespace EventPipeline.StepFunctions.Local.Tests.Support;

/// <summary>A request as a client sent it.</summary>
internal sealed record SentRequest(string Method, Uri Uri, string? ContentType, string? Authorization, string Body);

/// <summary>Passes requests on to the network and keeps a copy of each, to check what went over the wire.</summary>
internal sealed class RecordingHandler() : DelegatingHandler(new SocketsHttpHandler())
{
    public ConcurrentQueue<SentRequest> Sent { get; } = new();

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content is null ? "" : await request.Content.ReadAsStringAsync(cancellationToken);
        Sent.Enqueue(new SentRequest(
            request.Method.Method,
            request.RequestUri!,
            request.Content?.Headers.TryGetValues("Content-Type", out var type) == true ? type.First() : null,
            request.Headers.TryGetValues("Authorization", out var auth) ? auth.First() : null,
            body));
        return await base.SendAsync(request, cancellationToken);
    }
}
