using EventPipeline.Domain;

namespace EventPipeline.Application.Query;

/// <summary>A query's answer: a value, or what is missing or wrong (naming the field and the rule).</summary>
/// <typeparam name="T">The answer's type.</typeparam>
public sealed record QueryOutcome<T>
    where T : class
{
    internal QueryOutcome(T? value, QueryFailure failure, Rejection? problem)
    {
        Value = value;
        Failure = failure;
        Problem = problem;
    }

    /// <summary>The answer, when <see cref="Failure"/> is <see cref="QueryFailure.None"/>.</summary>
    public T? Value { get; }

    /// <summary>Why there is no answer.</summary>
    public QueryFailure Failure { get; }

    /// <summary>The field and rule of a failure.</summary>
    public Rejection? Problem { get; }
}

/// <summary>Makes <see cref="QueryOutcome{T}"/> values.</summary>
public static class QueryOutcome
{
    /// <summary>An answer.</summary>
    public static QueryOutcome<T> Found<T>(T value)
        where T : class => new(value, QueryFailure.None, null);

    /// <summary>Nothing at that address.</summary>
    public static QueryOutcome<T> NotFound<T>(string field, string rule)
        where T : class => new(null, QueryFailure.NotFound, new Rejection(field, rule));

    /// <summary>A parameter breaks a rule.</summary>
    public static QueryOutcome<T> Invalid<T>(string field, string rule)
        where T : class => new(null, QueryFailure.Invalid, new Rejection(field, rule));
}
