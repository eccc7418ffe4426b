using Amazon.SimpleSystemsManagement;

namespace EventPipeline.Aws.Webhooks;

/// <summary>
/// Microsoft Graph access tokens from SSM Parameter Store, for the thin <c>graph</c> source's fetches: a SecureString
/// per tenant at <c>{prefix}/{tenant}/token</c>, else one for every tenant at <c>{prefix}/token</c>, kept fresh by whatever
/// holds the app registration (a token refresher; this project does not run the OAuth flow). Read, cached and
/// served stale on an SSM outage exactly as <see cref="SsmWebhookSecrets"/> reads secrets.
/// </summary>
public sealed class SsmGraphAccessTokens(IAmazonSimpleSystemsManagement ssm, string prefix, TimeProvider? clock = null)
{
    /// <summary>The name of the token under a tenant's (or the shared) path.</summary>
    public const string TokenName = "token";

    private readonly SsmWebhookSecrets _parameters = new(ssm, prefix, clock);

    /// <summary>The tenant's token, or null when none is configured.</summary>
    public async ValueTask<string?> GetAsync(string tenant, CancellationToken cancellationToken) =>
        (await _parameters.GetAsync(tenant, TokenName, cancellationToken)) is [var token, ..] ? token : null;
}
