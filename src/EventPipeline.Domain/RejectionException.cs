namespace EventPipeline.Domain;

/// <summary>Thrown inside pure parsing code to abort with a <see cref="Rejection"/>; adapters catch it at their boundary.</summary>
public sealed class RejectionException(Rejection rejection) : Exception(rejection.Message)
{
    /// <summary>The rejection carried.</summary>
    public Rejection Rejection { get; } = rejection;

    /// <summary>Convenience: throw a rejection for a field and rule.</summary>
    public static RejectionException For(string field, string rule) => new(new Rejection(field, rule));
}
