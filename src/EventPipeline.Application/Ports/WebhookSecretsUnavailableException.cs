namespace EventPipeline.Application.Ports;

/// <summary>The secret store failed in a way that may heal (throttling, network); the webhook answers 503 so the provider retries.</summary>
public sealed class WebhookSecretsUnavailableException(string message, Exception? inner = null) : Exception(message, inner);
