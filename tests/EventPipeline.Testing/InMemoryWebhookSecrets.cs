using EventPipeline.Application.Ports;

namespace EventPipeline.Testing;

/// <summary>Webhook secrets per tenant and source; <see cref="Unavailable"/> makes reads throw as a failing store would.</summary>
public sealed class InMemoryWebhookSecrets : IWebhookSecrets
{
    private readonly Dictionary<(string Tenant, string Source), IReadOnlyList<string>> _secrets = [];

    /// <summary>When true, reads throw <see cref="WebhookSecretsUnavailableException"/>.</summary>
    public bool Unavailable { get; set; }

    /// <summary>Sets the active secrets of a tenant's source.</summary>
    public InMemoryWebhookSecrets With(string tenant, string source, params string[] secrets)
    {
        _secrets[(tenant, source.ToLowerInvariant())] = secrets;
        return this;
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<string>> GetAsync(string tenant, string source, CancellationToken cancellationToken) =>
        Unavailable
            ? throw new WebhookSecretsUnavailableException("secret store is down (test)")
            : ValueTask.FromResult(_secrets.GetValueOrDefault((tenant, source.ToLowerInvariant())) ?? []);
}
