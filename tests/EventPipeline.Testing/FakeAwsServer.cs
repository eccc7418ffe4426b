using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Amazon.Runtime;
using EventPipeline.Aws.Clients;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

using Xunit;

namespace EventPipeline.Testing;

/// <summary>A request as it arrived on the wire.</summary>
public sealed record RecordedRequest(string Method, string RawTarget, Dictionary<string, string> Headers, byte[] Body)
{
    public string Header(string name) => Headers.TryGetValue(name, out var value) ? value : throw new Xunit.Sdk.XunitException($"header {name} missing");

    public JsonElement Json() => JsonDocument.Parse(Body).RootElement.Clone();
}

/// <summary>Kestrel on 127.0.0.1:0 answering with scripted responses in order and recording every request.</summary>
public sealed class FakeAwsServer : IAsyncDisposable
{
    public const string AccessKey = "AKIDTEST";
    public const string SecretKey = "test-secret-key";

    private readonly WebApplication _app;
    private readonly ConcurrentQueue<(int Status, string Body, string? ContentType, (string Name, string Value)[] Headers)> _responses = new();
    private readonly ConcurrentQueue<RecordedRequest> _requests = new();

    private FakeAwsServer(WebApplication app) => _app = app;

    public Uri BaseUri { get; private set; } = null!;

    public IReadOnlyList<RecordedRequest> Requests => [.. _requests];

    public static async Task<FakeAwsServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var server = new FakeAwsServer(app);
        app.Run(server.HandleAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server.BaseUri = new Uri(address);
        return server;
    }

    public AwsEndpoints Endpoints(AWSCredentials? credentials = null, string path = "") => new()
    {
        Region = "eu-west-1",
        Credentials = credentials ?? new BasicAWSCredentials(AccessKey, SecretKey),
        Kinesis = BaseUri,
        DynamoDb = BaseUri,
        StepFunctions = BaseUri,
        EventBridge = BaseUri,
        ExecuteApi = new Uri(BaseUri, path),
        Retry = new AwsRetryOptions { MaxAttempts = 3, BaseDelay = TimeSpan.FromMilliseconds(1), MaxDelay = TimeSpan.FromMilliseconds(5) },
    };

    public void Enqueue(int status, string body, string? contentType = "application/x-amz-json-1.1", params (string Name, string Value)[] headers) =>
        _responses.Enqueue((status, body, contentType, headers));

    /// <summary>Recomputes the signature from what arrived; equal only if every signed header and the body went out as signed.</summary>
    public static void AssertSignedFor(RecordedRequest request, string service, string? sessionToken = null)
    {
        var authorization = request.Header("Authorization");
        var amzDate = request.Header("X-Amz-Date");
        Assert.Matches("^[0-9]{8}T[0-9]{6}Z$", amzDate);
        Assert.StartsWith($"AWS4-HMAC-SHA256 Credential={AccessKey}/{amzDate[..8]}/eu-west-1/{service}/aws4_request, SignedHeaders=", authorization);
        var signedNames = authorization.Split("SignedHeaders=")[1].Split(',')[0].Split(';');
        var others = signedNames
            .Where(n => n is not ("host" or "x-amz-date" or "x-amz-security-token"))
            .Select(n => new KeyValuePair<string, string>(n, request.Header(n)))
            .ToList();
        var signedAt = DateTimeOffset.ParseExact(amzDate, "yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
        var uri = new Uri("http://" + request.Header("Host") + request.RawTarget);
        var expected = SigV4Signer.Sign(request.Method, uri, others, request.Body, new SigV4Credentials(AccessKey, SecretKey, sessionToken), "eu-west-1", service, signedAt);
        Assert.Equal(expected.Authorization, authorization);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task HandleAsync(HttpContext context)
    {
        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body);
        var headers = context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
        var rawTarget = context.Features.Get<IHttpRequestFeature>()!.RawTarget;
        _requests.Enqueue(new RecordedRequest(context.Request.Method, rawTarget, headers, body.ToArray()));

        if (!_responses.TryDequeue(out var response))
        {
            response = (418, """{"__type":"NoScriptedResponse","message":"the test queued no response"}""", "application/x-amz-json-1.1", []);
        }

        context.Response.StatusCode = response.Status;
        foreach (var (name, value) in response.Headers)
        {
            context.Response.Headers[name] = value;
        }

        if (response.ContentType is not null)
        {
            context.Response.ContentType = response.ContentType;
        }

        await context.Response.Body.WriteAsync(Encoding.UTF8.GetBytes(response.Body));
    }
}
