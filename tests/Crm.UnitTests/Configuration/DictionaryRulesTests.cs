using Crm.Domain.Common;
using Crm.Domain.Configuration;

namespace Crm.UnitTests.Configuration;

public sealed class DictionaryRulesTests
{
    private static readonly DictionaryItem[] Items =
    [
        new() { Dictionary = "customerSource", Value = "web", Active = true },
        new() { Dictionary = "customerSource", Value = "fair", Active = false },
        new() { Dictionary = "industry", Value = "retail", Active = true },
    ];

    [Theory]
    [InlineData("web", null)]
    [InlineData(null, "web")]
    [InlineData("fair", "fair")]
    public void ActiveValuesNullsAndHeldRetiredValuesPass(string? value, string? old) =>
        DictionaryRules.Ensure(Items, "customerSource", value, old, "source");

    [Theory]
    [InlineData("fair", null, DictionaryRules.ValueRetired)]
    [InlineData("fair", "web", DictionaryRules.ValueRetired)]
    [InlineData("retail", null, DictionaryRules.ValueUnknown)]
    [InlineData("tv", null, DictionaryRules.ValueUnknown)]
    public void UnknownValuesAndRetiredOnesChosenAnewAreRefused(string value, string? old, string code)
    {
        var error = Assert.Throws<ValidationException>(() => DictionaryRules.Ensure(Items, "customerSource", value, old, "source"));
        Assert.Equal(code, error.Code);
        Assert.Equal(["source"], error.Errors.Keys);
    }

    [Fact]
    public void EveryDictionarySeedsDistinctValidValues()
    {
        Assert.Equal(8, DataDictionaries.Sales.Count + DataDictionaries.Service.Count);
        foreach (var dictionary in DataDictionaries.Sales.Concat(DataDictionaries.Service))
        {
            var seeded = DataDictionaries.Seed(dictionary).ToList();
            Assert.NotEmpty(seeded);
            Assert.All(seeded, i => Assert.True(DictionaryRules.IsValidValue(i.Value), i.Value));
            Assert.Equal(seeded.Count, seeded.Select(i => i.Value).Distinct().Count());
        }
    }
}
