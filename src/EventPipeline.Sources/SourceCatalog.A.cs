using EventPipeline.Sources.GitHub;
using EventPipeline.Sources.PagerDuty;
using EventPipeline.Sources.SendGrid;
using EventPipeline.Sources.Shopify;
using EventPipeline.Sources.Stripe;
using EventPipeline.Sources.Twilio;
using EventPipeline.Sources.Zendesk;

namespace EventPipeline.Sources;

public static partial class SourceCatalog
{
    // Group A: each signature class is both the authenticator and the signer of its scheme.
    static partial void AddGroupA(List<SourceRegistration> list, SourceDependencies dependencies)
    {
        var github = new GitHubSignature();
        list.Add(new SourceRegistration("github", new GitHubAdapter(), github, github));
        var stripe = new StripeSignature();
        list.Add(new SourceRegistration("stripe", new StripeAdapter(), stripe, stripe));
        var shopify = new ShopifySignature();
        list.Add(new SourceRegistration("shopify", new ShopifyAdapter(), shopify, shopify));
        var pagerDuty = new PagerDutySignature();
        list.Add(new SourceRegistration("pagerduty", new PagerDutyAdapter(), pagerDuty, pagerDuty));
        var zendesk = new ZendeskSignature();
        list.Add(new SourceRegistration("zendesk", new ZendeskAdapter(), zendesk, zendesk));
        var twilio = new TwilioSignature();
        list.Add(new SourceRegistration("twilio", new TwilioAdapter(), twilio, twilio));
        var sendGrid = new SendGridSignature();
        list.Add(new SourceRegistration("sendgrid", new SendGridAdapter(), sendGrid, sendGrid));
    }
}
