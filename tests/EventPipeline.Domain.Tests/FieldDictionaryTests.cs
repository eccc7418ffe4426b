namespace EventPipeline.Domain.Tests;

public sealed class FieldDictionaryTests
{
    [Fact]
    public void Set_SameNameAgain_ReplacesInPlaceAndKeepsFirstOrder()
    {
        var map = new FieldDictionary<string>(2);
        map.Set("b", "1");
        map.Set("a", "2");
        map.Set("c", "3");
        map.Set("b", "4");

        Assert.Equal(["b=4", "a=2", "c=3"], Render(map));
        Assert.Equal(3, map.Count);
        Assert.Equal("4", map["b"]);
    }

    [Theory]
    [InlineData(3)]
    [InlineData(FieldDictionary<int>.IndexedFrom)]
    [InlineData(100)]
    public void Lookups_AnySize_ActLikeADictionary(int count)
    {
        var map = new FieldDictionary<int>(0);
        var oracle = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < count * 2; i++)
        {
            var name = "f" + (i % count).ToString(System.Globalization.CultureInfo.InvariantCulture);
            map.Set(name, i);
            oracle[name] = i;
        }

        Assert.Equal(oracle.Count, map.Count);
        Assert.Equal(oracle.Select(kv => $"{kv.Key}={kv.Value}"), map.Select(kv => $"{kv.Key}={kv.Value}"));
        Assert.Equal(oracle.Keys, map.Keys);
        Assert.Equal(oracle.Values, map.Values);
        foreach (var (name, value) in oracle)
        {
            Assert.True(map.TryGetValue(name, out var got));
            Assert.Equal(value, got);
            Assert.True(map.ContainsKey(name));
        }

        Assert.False(map.TryGetValue("F0", out _));
        Assert.Throws<KeyNotFoundException>(() => map["missing"]);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(40)]
    public void IgnoringCase_LooksUpAndReplacesAnySpelling(int others)
    {
        var map = new FieldDictionary<string>(1, StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < others; i++)
        {
            map.Set("x-" + i.ToString(System.Globalization.CultureInfo.InvariantCulture), "v");
        }

        map.Set("x-github-event", "push");
        map.Set("X-GitHub-Event", "issues");

        Assert.Equal(others + 1, map.Count);
        Assert.Equal("issues", map["X-GITHUB-EVENT"]);
        Assert.Equal("x-github-event", map.Keys.Last());
    }

    [Fact]
    public void EnsureCapacity_KeepsTheFields()
    {
        var map = new FieldDictionary<string>(1);
        map.Set("a", "1");
        map.EnsureCapacity(20);
        map.Set("b", "2");

        Assert.Equal(["a=1", "b=2"], Render(map));
    }

    [Fact]
    public void Empty_IsSharedAndCannotBeSet()
    {
        Assert.Empty(FieldDictionary<decimal>.Empty);
        Assert.Throws<InvalidOperationException>(() => FieldDictionary<decimal>.Empty.Set("n", 1));
        Assert.Empty(FieldDictionary<decimal>.Empty);
    }

    private static List<string> Render(FieldDictionary<string> map)
    {
        var list = new List<string>();
        foreach (var (k, v) in map)
        {
            list.Add($"{k}={v}");
        }

        return list;
    }
}
