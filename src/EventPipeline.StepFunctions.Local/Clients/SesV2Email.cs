namespace EventPipeline.StepFunctions.Local.Clients;

/// <summary>A simple (not raw, not templated) SES v2 email: <c>FromEmailAddress</c>, <c>Destination.ToAddresses</c>, <c>Content.Simple</c>.</summary>
/// <param name="From">The verified sender identity.</param>
/// <param name="To">Recipients (at least one).</param>
/// <param name="Subject"><c>Content.Simple.Subject.Data</c>.</param>
/// <param name="TextBody"><c>Content.Simple.Body.Text.Data</c>; at least one of the bodies is set.</param>
/// <param name="HtmlBody"><c>Content.Simple.Body.Html.Data</c>.</param>
public sealed record SesV2Email(string From, IReadOnlyList<string> To, string Subject, string? TextBody, string? HtmlBody = null);
