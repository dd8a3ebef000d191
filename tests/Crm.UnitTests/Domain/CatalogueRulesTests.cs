using Crm.Domain.Commerce;
using Crm.Domain.Common;

namespace Crm.UnitTests.Domain;

public sealed class CatalogueRulesTests
{
    private static IReadOnlyCollection<string> Fields(Action check) => Assert.Throws<ValidationException>(check).Errors.Keys.ToList();

    [Theory]
    [InlineData(0)]
    [InlineData(13)]
    [InlineData(9.5)]
    [InlineData(100)]
    [InlineData(6.1234)]
    public void ATaxRateIsAPercentageWithAtMostFourDecimals(decimal rate) => CatalogueRules.CheckItem(1, "CNY", rate);

    [Theory]
    [InlineData(-0.01)]
    [InlineData(100.01)]
    [InlineData(6.12345)]
    public void OtherTaxRatesAreRefused(decimal rate) => Assert.Equal(["taxRate"], Fields(() => CatalogueRules.CheckItem(1, "CNY", rate)));

    [Fact]
    public void EveryBadFigureIsReportedAtOnce() =>
        Assert.Equal(["listPrice", "cost", "taxRate", "currency", "reorderLevel"],
            Fields(() => CatalogueRules.CheckItem(-1, "eur", 101, cost: -1, reorderLevel: -1)));

    [Fact]
    public void AMissingCurrencyIsTheTenantsAndFine() => CatalogueRules.CheckItem(0, null, 0, 0, 0, []);

    [Fact]
    public void GiftsNameAnotherProductOnceWithAPositiveQuantity()
    {
        CatalogueRules.CheckItem(1, "CNY", 0, gifts: [new GiftItem("a", 1), new GiftItem("b", 0.5m)], selfId: "self");
        Assert.Equal(["giftItems[0].productId"], Fields(() => CatalogueRules.CheckItem(1, "CNY", 0, gifts: [new GiftItem("self", 1)], selfId: "self")));
        Assert.Equal(["giftItems[1].quantity"], Fields(() => CatalogueRules.CheckItem(1, "CNY", 0, gifts: [new GiftItem("a", 1), new GiftItem("b", 0)])));
        Assert.Equal(["giftItems[0].productId"], Fields(() => CatalogueRules.CheckItem(1, "CNY", 0, gifts: [new GiftItem(" ", 1)])));
        Assert.Equal(["giftItems"], Fields(() => CatalogueRules.CheckItem(1, "CNY", 0, gifts: [new GiftItem("a", 1), new GiftItem("a", 2)])));
        var many = Enumerable.Range(0, CatalogueRules.MaxGiftItems + 1).Select(i => new GiftItem($"p{i}", 1)).ToList();
        Assert.Equal(["giftItems"], Fields(() => CatalogueRules.CheckItem(1, "CNY", 0, gifts: many)));
    }

    [Fact]
    public void ABookPricesEachItemOnceAtZeroOrMoreInAnIsoCurrency()
    {
        CatalogueRules.CheckPrices("EUR", [new BookPrice("a", ItemKind.Product, 0), new BookPrice("b", ItemKind.Service, 10)]);
        Assert.Equal(["currency"], Fields(() => CatalogueRules.CheckPrices("eu", [])));
        Assert.Equal(["prices[1].price"], Fields(() => CatalogueRules.CheckPrices("EUR", [new BookPrice("a", ItemKind.Product, 1), new BookPrice("b", ItemKind.Product, -1)])));
        Assert.Equal(["prices[0].itemId"], Fields(() => CatalogueRules.CheckPrices("EUR", [new BookPrice("", ItemKind.Product, 1)])));
        Assert.Equal(["prices"], Fields(() => CatalogueRules.CheckPrices("EUR", [new BookPrice("a", ItemKind.Product, 1), new BookPrice("a", ItemKind.Product, 2)])));
        var many = Enumerable.Range(0, CatalogueRules.MaxBookPrices + 1).Select(i => new BookPrice($"p{i}", ItemKind.Product, 1)).ToList();
        Assert.Equal(["prices"], Fields(() => CatalogueRules.CheckPrices("EUR", many)));
    }
}
