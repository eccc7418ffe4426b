using System.Collections.Concurrent;
using Amazon.Runtime;
using Amazon.SimpleSystemsManagement;
using Amazon.SimpleSystemsManagement.Model;

using EventPipeline.Application.Ports;
using EventPipeline.Application.Webhooks;

namespace EventPipeline.Aws.Webhooks;

/// <summary>
/// Secrets from AWS Systems Manager Parameter Store: one SecureString per tenant and source at
/// <c>{prefix}/{tenant}/{source}</c> (default prefix <c>/eventpipeline/webhooks</c>), else the source's default for every
/// tenant at <c>{prefix}/{source}</c>, holding a JSON array of strings or comma-separated values, read with decryption. Each key is cached for <see cref="Ttl"/> so a warm function does not
/// call SSM per request, and a missing parameter is remembered for <see cref="NegativeTtl"/> so unconfigured tenants
/// cannot drive SSM traffic; a rotation is picked up within the TTL. When SSM fails and an expired value is cached,
/// that value is served (secrets rarely change, and failing closed would drop every provider's deliveries).
/// </summary>
public sealed class SsmWebhookSecrets : IWebhookSecrets
{
    /// <summary>Default parameter path prefix.</summary>
    public const string DefaultPrefix = "/eventpipeline/webhooks";

    private readonly IAmazonSimpleSystemsManagement _ssm;
    private readonly string _prefix;
    private readonly TimeProvider _clock;
    private readonly ConcurrentDictionary<string, Entry> _cache = new(StringComparer.Ordinal);

    /// <summary>A store reading <paramref name="ssm"/> under <paramref name="prefix"/>.</summary>
    public SsmWebhookSecrets(IAmazonSimpleSystemsManagement ssm, string? prefix = null, TimeProvider? clock = null)
    {
        ArgumentNullException.ThrowIfNull(ssm);
        _ssm = ssm;
        _prefix = string.IsNullOrWhiteSpace(prefix) ? DefaultPrefix : prefix.TrimEnd('/');
        _clock = clock ?? TimeProvider.System;
    }

    /// <summary>How long a found value is used before SSM is asked again.</summary>
    public TimeSpan Ttl { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>How long "no such parameter" is remembered.</summary>
    public TimeSpan NegativeTtl { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The parameter name for a tenant's source.</summary>
    public string ParameterName(string tenant, string source) => $"{_prefix}/{tenant}/{source}";

    /// <summary>
    /// The parameter holding a source's secrets for every tenant without its own (<c>{prefix}/{source}</c>: one level
    /// shorter than a tenant's, so no tenant name can collide with it) — e.g. one relay's bearer for all tenants.
    /// </summary>
    public string DefaultParameterName(string source) => $"{_prefix}/{source}";

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<string>> GetAsync(string tenant, string source, CancellationToken cancellationToken)
    {
        var own = await ReadAsync(ParameterName(tenant, source), cancellationToken);
        return own.Count > 0 ? own : await ReadAsync(DefaultParameterName(source), cancellationToken);
    }

    private async ValueTask<IReadOnlyList<string>> ReadAsync(string name, CancellationToken cancellationToken)
    {
        var now = _clock.GetUtcNow();
        if (_cache.TryGetValue(name, out var cached) && cached.ExpiresAt > now)
        {
            return cached.Secrets;
        }

        try
        {
            var response = await _ssm.GetParameterAsync(new GetParameterRequest { Name = name, WithDecryption = true }, cancellationToken);
            IReadOnlyList<string> secrets;
            try
            {
                secrets = WebhookSecretList.Parse(response.Parameter?.Value);
            }
            catch (FormatException ex)
            {
                // A malformed value is an operator error: fail (503 + log naming the parameter) rather than treat the tenant as unconfigured.
                throw new WebhookSecretsUnavailableException($"parameter {name}: {ex.Message}", ex);
            }

            _cache[name] = new Entry(secrets, now + (secrets.Count > 0 ? Ttl : NegativeTtl));
            return secrets;
        }
        catch (ParameterNotFoundException)
        {
            IReadOnlyList<string> none = [];
            _cache[name] = new Entry(none, now + NegativeTtl);
            return none;
        }
        catch (Exception ex) when (ex is AmazonServiceException or AmazonClientException or HttpRequestException or TimeoutException)
        {
            if (cached is not null)
            {
                return cached.Secrets;
            }

            var code = (ex as AmazonServiceException)?.ErrorCode ?? ex.GetType().Name;
            throw new WebhookSecretsUnavailableException($"parameter {name}: SSM GetParameter failed ({code})", ex);
        }
    }

    private sealed record Entry(IReadOnlyList<string> Secrets, DateTimeOffset ExpiresAt);
}
