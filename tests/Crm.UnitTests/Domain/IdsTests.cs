using Crm.Domain.Common;

namespace Crm.UnitTests.Domain;

public sealed class IdsTests
{
    [Fact]
    public void NewIdHas26CharactersOfLowerCaseCrockfordBase32()
    {
        var id = Ids.New();

        Assert.Equal(26, id.Length);
        Assert.All(id, c => Assert.Contains(c, "0123456789abcdefghjkmnpqrstvwxyz"));
        Assert.True(Ids.IsWellFormed(id));
    }

    [Fact]
    public void IdsSortByTheirTimeEvenAcrossManyMilliseconds()
    {
        var start = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var ids = Enumerable.Range(0, 500).Select(i => Ids.New(start.AddMilliseconds(i * 7919L))).ToList();

        Assert.Equal(ids, ids.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void IdsMadeAtTheSameMomentDiffer()
    {
        var at = DateTimeOffset.UtcNow;
        var ids = Enumerable.Range(0, 1000).Select(_ => Ids.New(at)).ToHashSet();

        Assert.Equal(1000, ids.Count);
        // The first ten digits are the 48-bit millisecond timestamp.
        Assert.Single(ids.Select(id => id[..10]).Distinct());
    }

    [Fact]
    public void IdOfALaterMillisecondSortsAfter()
    {
        var at = DateTimeOffset.UtcNow;

        Assert.True(string.CompareOrdinal(Ids.New(at), Ids.New(at.AddMilliseconds(1))) < 0);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("01jd0000000000000000000000x")] // 27 characters
    [InlineData("01jd00000000000000000000")] // 24 characters
    [InlineData("01JD0000000000000000000000")] // upper case
    [InlineData("01jd000000000000000000000i")] // i, l, o, u are not Crockford digits
    [InlineData("01jd000000000000000000000u")]
    [InlineData("01jd00000000000000000000~0")]
    [InlineData("01jd00000000000000000000/0")]
    public void RejectsMalformedIds(string? id) => Assert.False(Ids.IsWellFormed(id));
}
