namespace EventPipeline.Local.Tests.Contract;

/// <summary>
/// Checks every HTTP API response the integration tests receive against docs/api/openapi.json: a response that is not
/// as documented fails the request (and so the test that made it) with what differs. Local-stack routes, which the
/// document does not describe, pass unchecked.
/// </summary>
public sealed class ContractCheckingHandler(ApiContract contract) : DelegatingHandler(new HttpClientHandler())
{
    /// <summary>Responses checked against the document so far.</summary>
    public int Checked => _checked;

    private int _checked;

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken);
        if (request.Headers.Host is { } host && host != request.RequestUri!.Authority)
        {
            // Addressed to another host: the local stack's Host check (421) answers, not the HTTP API.
            return response;
        }

        await response.Content.LoadIntoBufferAsync(cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        var problems = contract.CheckResponse(request.Method.Method, request.RequestUri!.AbsolutePath, (int)response.StatusCode, response.Content.Headers.ContentType?.MediaType, body);
        if (problems is null)
        {
            return response;
        }

        Interlocked.Increment(ref _checked);
        if (problems.Count > 0)
        {
            response.Dispose();
            throw new ContractViolationException($"{request.Method} {request.RequestUri.PathAndQuery} is not as docs/api/openapi.json says:\n" + string.Join("\n", problems));
        }

        return response;
    }
}
