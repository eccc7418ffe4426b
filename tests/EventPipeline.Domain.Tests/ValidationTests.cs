using static EventPipeline.Domain.Tests.Aggregation.EventBuilder;

namespace EventPipeline.Domain.Tests;

public sealed class EventValidationTests
{
    [Fact]
    public void Check_IdsAtTheirByteLimits_AreValid()
    {
        Assert.Null(EventValidation.Check(Event(id: new string('\u4e00', 170) + "ab", entity: new EntityRef("order", new string('\u4e00', 341) + "a"))));
    }

    [Fact]
    public void Check_ValidEvent_IsNull()
    {
        Assert.Null(EventValidation.Check(Event(measures: Measure("amount", 1m), attributes: Attr("status", "ok"))));
    }

    public static TheoryData<CanonicalEvent, string, string> Invalid => new()
    {
        { Event(tenant: "bad tenant"), "tenant", Names.TenantRule },
        { Event(tenant: "a.b"), "tenant", Names.TenantRule },
        { Event(tenant: new string('t', 65)), "tenant", Names.TenantRule },
        { Event(source: "bad/source"), "source", Names.NameRule },
        { Event(id: ""), "eventId", Names.EventIdRule },
        { Event(id: new string('i', 513)), "eventId", Names.EventIdRule },
        { Event(id: new string('\u4e00', 171)), "eventId", Names.EventIdRule },
        { Event(type: ""), "type", "must be 1-256 characters" },
        { Event(entity: new EntityRef("bad kind", "1")), "entity.kind", Names.NameRule },
        { Event(entity: new EntityRef("order", "")), "entity.id", Names.IdRule },
        { Event(entity: new EntityRef("order", "a\nb")), "entity.id", Names.IdRule },
        { Event(entity: new EntityRef("order", new string('\u4e00', 342))), "entity.id", Names.IdRule },
        { Event(at: new DateTimeOffset(1969, 12, 31, 0, 0, 0, TimeSpan.Zero)), "occurredAt", "must be between 1970 and 9999" },
        { Event(attributes: Enumerable.Range(0, 65).ToDictionary(i => "a" + i, _ => "v")), "attributes", "must have at most 64 entries" },
        { Event(attributes: Attr("", "v")), "attributes", "names must be 1-128 characters" },
        { Event(attributes: Attr("note", new string('x', 2049))), "attributes.note", "must be at most 2048 UTF-8 bytes" },
        { Event(attributes: Attr("note", new string('\u00e9', 1025))), "attributes.note", "must be at most 2048 UTF-8 bytes" },
        { Event(measures: Enumerable.Range(0, 33).ToDictionary(i => "m" + i, _ => 1m)), "measures", "must have at most 32 entries" },
        { Event(measures: Measure("events", 1m)), "measures.events", Names.NameRule + " and not be 'events'" },
        { Event(measures: Measure("bad name", 1m)), "measures.bad name", Names.NameRule + " and not be 'events'" },
    };

    [Theory]
    [MemberData(nameof(Invalid))]
    public void Check_InvalidEvent_NamesFieldAndRule(CanonicalEvent e, string field, string rule)
    {
        var rejection = EventValidation.Check(e);

        Assert.NotNull(rejection);
        Assert.Equal(field, rejection.Field);
        Assert.Equal(rule, rejection.Rule);
        Assert.Equal($"{field}: {rule}", rejection.Message);
    }

    [Fact]
    public void Check_LimitsExactlyReached_AreAccepted()
    {
        var e = Event(
            id: new string('i', 512),
            attributes: Enumerable.Range(0, 64).ToDictionary(i => "a" + i, _ => new string('v', 2048)),
            measures: Enumerable.Range(0, 32).ToDictionary(i => "m" + i, _ => 1m));

        Assert.Null(EventValidation.Check(e));
    }
}

public sealed class ChannelsTests
{
    [Theory]
    [InlineData("tenant")]
    [InlineData("entity/order/42")]
    [InlineData("entity/users/7/avatar")]
    [InlineData("metric/amount")]
    [InlineData("source/github")]
    public void Validate_WellFormed_IsNull(string channel)
    {
        Assert.Null(Channels.Validate(channel));
    }

    [Theory]
    [InlineData(null, "required")]
    [InlineData("", "required")]
    [InlineData("entity/order", "must be 'tenant', 'entity/{kind}/{id}', 'metric/{name}' or 'source/{source}'")]
    [InlineData("entity//42", "must be 'tenant', 'entity/{kind}/{id}', 'metric/{name}' or 'source/{source}'")]
    [InlineData("metric/", "must be 'tenant', 'entity/{kind}/{id}', 'metric/{name}' or 'source/{source}'")]
    [InlineData("source/a/b", "must be 'tenant', 'entity/{kind}/{id}', 'metric/{name}' or 'source/{source}'")]
    [InlineData("tenants", "must be 'tenant', 'entity/{kind}/{id}', 'metric/{name}' or 'source/{source}'")]
    [InlineData("entity/order/4\u00012", "must not contain control characters")]
    public void Validate_Malformed_SaysWhichRule(string? channel, string rule)
    {
        Assert.Equal(rule, Channels.Validate(channel));
    }

    [Fact]
    public void Validate_TooLong_IsRejected()
    {
        Assert.Equal("must be at most 1160 UTF-8 bytes", Channels.Validate("metric/" + new string('m', 1154)));
        Assert.Null(Channels.Validate("metric/" + new string('m', 1153)));
    }

    [Fact]
    public void Validate_ThreeByteScript_CountsBytesNotCharacters()
    {
        // 512 characters of a 3-byte script are 1,518 bytes: too long for the keys the name becomes part of.
        Assert.Equal("must be at most 1160 UTF-8 bytes", Channels.Validate("entity/order/" + new string('\u4e00', 499)));
        Assert.Null(Channels.Validate("entity/order/" + new string('\u4e00', 341)));
    }

    [Fact]
    public void Validate_LongestEntityChannel_IsValid()
    {
        var entity = new EntityRef(new string('k', 128), new string('\u4e00', 341) + "a");
        Assert.Null(EventValidation.Check(Event(entity: entity)));
        Assert.Null(Channels.Validate(Channels.ForEntity(entity)));
    }

    [Fact]
    public void For_Builders_ProduceValidNames()
    {
        Assert.Equal("entity/order/42", Channels.ForEntity(new EntityRef("order", "42")));
        Assert.Equal("metric/amount", Channels.ForMetric("amount"));
        Assert.Equal("source/github", Channels.ForSource("github"));
        Assert.All(new[] { Channels.ForEntity(new EntityRef("order", "42")), Channels.ForMetric("amount"), Channels.ForSource("github") }, c => Assert.Null(Channels.Validate(c)));
    }
}

public sealed class NamesTests
{
    [Theory]
    [InlineData("acme", true)]
    [InlineData("A-z_09", true)]
    [InlineData("", false)]
    [InlineData(null, false)]
    [InlineData("a.b", false)]
    [InlineData("a:b", false)]
    [InlineData("a#b", false)]
    [InlineData("é", false)]
    public void IsValidTenant_FollowsRule(string? tenant, bool valid)
    {
        Assert.Equal(valid, Names.IsValidTenant(tenant));
    }

    [Fact]
    public void IsValidTenant_LengthLimit_Is64()
    {
        Assert.True(Names.IsValidTenant(new string('t', 64)));
        Assert.False(Names.IsValidTenant(new string('t', 65)));
    }

    [Theory]
    [InlineData("order.created", true)]
    [InlineData("urn:x-1_2", true)]
    [InlineData("a/b", false)]
    [InlineData("a#b", false)]
    [InlineData("a b", false)]
    [InlineData("", false)]
    public void IsValidName_FollowsRule(string name, bool valid)
    {
        Assert.Equal(valid, Names.IsValidName(name));
        Assert.False(Names.IsValidName(new string('n', 129)));
        Assert.True(Names.IsValidName(new string('n', 128)));
    }

    [Theory]
    [InlineData("42", true)]
    [InlineData("7/avatar #x é", true)]
    [InlineData("", false)]
    [InlineData("a\tb", false)]
    public void IsValidId_FollowsRule(string id, bool valid)
    {
        Assert.Equal(valid, Names.IsValidId(id));
        Assert.True(Names.IsValidId(new string('i', 1024)));
        Assert.False(Names.IsValidId(new string('i', 1025)));
    }
}
