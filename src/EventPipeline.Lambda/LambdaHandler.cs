namespace EventPipeline.Lambda;

/// <summary>A function's handler: one typed event in, one typed result out.</summary>
/// <param name="input">The deserialized invocation payload.</param>
/// <param name="context">The invocation's request id, deadline, ARN and trace id.</param>
/// <param name="ct">Cancelled at the invocation's deadline or when the runtime is stopped.</param>
public delegate Task<TOut> LambdaHandler<TIn, TOut>(TIn input, ILambdaContext context, CancellationToken ct);
