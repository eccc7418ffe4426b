using EventPipeline.Local.Deploy;

namespace EventPipeline.Local.Functions;

/// <summary>A hosted function, invoked with the event JSON as the Runtime API hands it over.</summary>
public interface ILocalFunction
{
    /// <summary>The function as deployed.</summary>
    DeployedFunction Function { get; }

    /// <summary>Invocations so far.</summary>
    long Invocations { get; }

    /// <summary>Invocations that ended in an error.</summary>
    long Errors { get; }

    /// <summary>Invokes with <paramref name="payload"/> (the event JSON) and returns the response JSON.</summary>
    Task<byte[]> InvokeJsonAsync(byte[] payload, CancellationToken cancellationToken);
}
