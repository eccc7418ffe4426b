using System.Net.Sockets;
using Testcontainers.LocalStack;

namespace EventPipeline.Local.Tests.Integration;

/// <summary>
/// Opt-in: with <c>EVENTPIPELINE_TEST_LOCALSTACK=1</c> and a Docker engine, the shared fixture runs the integration suite
/// against a LocalStack container (Testcontainers.LocalStack) serving Kinesis, DynamoDB, SQS, SSM, SES, SNS and
/// EventBridge in place of kinesis-mock, DynamoDB Local and moto. The stack still deploys the templates and checks IAM
/// at its own endpoint in front of it.
/// </summary>
public static class LocalStackContainerMode
{
    public const string Variable = "EVENTPIPELINE_TEST_LOCALSTACK";

    /// <summary>The image, pinned (LocalStack's community image, AWS services on one edge port).</summary>
    public const string Image = "localstack/localstack:4.4";

    /// <summary>True when the variable asks for LocalStack.</summary>
    public static bool Requested => Environment.GetEnvironmentVariable(Variable) == "1";

    /// <summary>Why the LocalStack tests do not run here, or null when they can.</summary>
    public static string? SkipReason =>
        !Requested ? $"Set {Variable}=1 (with a Docker engine) to run the integration suite against a LocalStack container"
        : !DockerAnswers() ? $"{Variable}=1, but no Docker engine answers (DOCKER_HOST, /var/run/docker.sock): the LocalStack tests are skipped"
        : null;

    /// <summary>Starts the container; its one endpoint serves every service.</summary>
    public static async Task<(LocalStackContainer Container, Uri Endpoint)> StartAsync()
    {
        var container = new LocalStackBuilder(Image).Build();
        await container.StartAsync();
        return (container, new Uri(container.GetConnectionString()));
    }

    private static bool DockerAnswers()
    {
        if (Environment.GetEnvironmentVariable("DOCKER_HOST") is { Length: > 0 } host)
        {
            return Uri.TryCreate(host, UriKind.Absolute, out var uri) && uri.Scheme is "unix" ? SocketAnswers(uri.AbsolutePath) : uri is not null;
        }

        return SocketAnswers("/var/run/docker.sock");
    }

    private static bool SocketAnswers(string path)
    {
        if (!File.Exists(path))
        {
            return false;
        }

        try
        {
            using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            socket.Connect(new UnixDomainSocketEndPoint(path));
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}

/// <summary>A fact that runs only when the suite runs against a LocalStack container (see <see cref="LocalStackContainerMode"/>).</summary>
public sealed class LocalStackContainerFactAttribute : FactAttribute
{
    public LocalStackContainerFactAttribute() => Skip = LocalStackContainerMode.SkipReason;
}
