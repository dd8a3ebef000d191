using Crm.Domain.Common;

namespace Crm.UnitTests.Domain;

/// <summary>
/// Ids of one millisecond keep their order while nothing makes ids of another millisecond in between: the
/// generator's counter is process-wide, so tests elsewhere that make ids with fixed clocks must not run meanwhile.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class IdOrderCollection
{
    public const string Name = "Ids made alone";
}

[Collection(IdOrderCollection.Name)]
public sealed class IdOrderTests
{
    [Fact]
    public void IdsMadeInTheSameMillisecondKeepTheirOrder()
    {
        var at = DateTimeOffset.Parse("2026-11-23T09:30:00.123Z", System.Globalization.CultureInfo.InvariantCulture);
        var ids = Enumerable.Range(0, 1000).Select(_ => Ids.New(at)).ToList();
        Assert.Equal(ids, ids.Order(StringComparer.Ordinal));
        Assert.Equal(1000, ids.Distinct().Count());
    }
}
