namespace EventPipeline.Application.Ports;

/// <summary>
/// The active webhook secrets of one tenant's source: several while a secret is being rotated, none when the
/// tenant has not configured the source. For SendGrid the "secrets" are verification public keys.
/// Implementations never log or echo the values.
/// </summary>
public interface IWebhookSecrets
{
    /// <summary>Active secrets for <paramref name="tenant"/>'s <paramref name="source"/>; empty when none are configured.</summary>
    /// <exception cref="WebhookSecretsUnavailableException">The secret store could not be read (retry later).</exception>
    ValueTask<IReadOnlyList<string>> GetAsync(string tenant, string source, CancellationToken cancellationToken);
}
