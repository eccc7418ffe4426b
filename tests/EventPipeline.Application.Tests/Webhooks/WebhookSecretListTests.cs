using EventPipeline.Application.Webhooks;

namespace EventPipeline.Application.Tests.Webhooks;

public sealed class WebhookSecretListTests
{
    [Theory]
    [InlineData("""["a","b"]""", new[] { "a", "b" })]
    [InlineData(""" [ "a" , "" , " b " ] """, new[] { "a", "b" })]
    [InlineData("a,b", new[] { "a", "b" })]
    [InlineData(" a , ,b ", new[] { "a", "b" })]
    [InlineData("single", new[] { "single" })]
    [InlineData("", new string[0])]
    public void Parse_StoredValue_ActiveSecrets(string value, string[] expected)
    {
        Assert.Equal(expected, WebhookSecretList.Parse(value));
    }

    [Theory]
    [InlineData("""["a", 1]""")]
    [InlineData("""["super-secret-value" """)]
    [InlineData("""["a"] ["b"]""")]
    public void Parse_MalformedJsonArray_FormatExceptionWithoutTheValue(string value)
    {
        var ex = Assert.Throws<FormatException>(() => WebhookSecretList.Parse(value));

        Assert.DoesNotContain("super-secret", ex.Message, StringComparison.Ordinal);
        Assert.Contains("JSON array", ex.Message, StringComparison.Ordinal);
    }
}
