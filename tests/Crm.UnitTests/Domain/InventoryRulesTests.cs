using Crm.Domain.Commerce;
using Crm.Domain.Common;

namespace Crm.UnitTests.Domain;

public sealed class InventoryRulesTests
{
    private static readonly StockBalance Empty = new("p", "main", 0, 0, 0);

    [Theory]
    [InlineData(LedgerKind.Receipt, 2, 2)]
    [InlineData(LedgerKind.Shipment, 2, -2)]
    [InlineData(LedgerKind.Reservation, 2, 2)]
    [InlineData(LedgerKind.Release, 2, -2)]
    [InlineData(LedgerKind.Adjustment, -2, -2)]
    [InlineData(LedgerKind.Adjustment, 2, 2)]
    public void TheKindGivesTheSignExceptForAdjustments(LedgerKind kind, int quantity, int expected) =>
        Assert.Equal(expected, InventoryRules.SignedQuantity(kind, quantity));

    [Theory]
    [InlineData(LedgerKind.Receipt, "0")]
    [InlineData(LedgerKind.Receipt, "-1")]
    [InlineData(LedgerKind.Shipment, "0.00001")]
    [InlineData(LedgerKind.Adjustment, "0")]
    [InlineData(LedgerKind.Receipt, "1000000001")]
    public void RefusesZeroNegativeTooPreciseAndHugeQuantities(LedgerKind kind, string quantity)
    {
        var e = Assert.Throws<ValidationException>(() => InventoryRules.SignedQuantity(kind, decimal.Parse(quantity, System.Globalization.CultureInfo.InvariantCulture)));
        Assert.Equal("inventory.invalid_quantity", e.Code);
    }

    [Fact]
    public void AcceptsFourDecimals() => Assert.Equal(-1.2345m, InventoryRules.SignedQuantity(LedgerKind.Shipment, 1.2345m));

    [Fact]
    public void ShipmentsAndReservationsMayNotTakeAvailableBelowZero()
    {
        var stocked = InventoryRules.Apply(Empty, LedgerKind.Receipt, 5, false);
        var reserved = InventoryRules.Apply(stocked, LedgerKind.Reservation, 3, false);
        Assert.Equal(2, reserved.Available);
        Assert.Equal("inventory.insufficient", Assert.Throws<ConflictException>(() => InventoryRules.Apply(reserved, LedgerKind.Shipment, -3, false)).Code);
        Assert.Throws<ConflictException>(() => InventoryRules.Apply(reserved, LedgerKind.Reservation, 3, false));
        Assert.Throws<ConflictException>(() => InventoryRules.Apply(reserved, LedgerKind.Release, -4, false));
        Assert.Equal(3, InventoryRules.Apply(reserved, LedgerKind.Shipment, -2, false).OnHand);
        Assert.Equal(-1, InventoryRules.Apply(Empty, LedgerKind.Shipment, -1, true).OnHand);
        Assert.Equal(2, reserved.Entries);
    }

    [Fact]
    public void APostingIsRefusedByItsWarehouseAndLowIsJudgedOnTheTotal()
    {
        var stock = new ProductStock(new StockBalance("p", "north", 1, 0, 1), new StockBalance("p", null, 6, 0, 2));
        Assert.Throws<ConflictException>(() => InventoryRules.Post(stock, LedgerKind.Shipment, -2, false, 5));
        var next = InventoryRules.Post(stock, LedgerKind.Shipment, -1, false, 5);
        Assert.Equal((0m, 5m, 2L, 3L), (next.Warehouse.OnHand, next.Total.OnHand, next.Warehouse.Entries, next.Total.Entries));
        Assert.False(next.Total.Low);
        Assert.True(InventoryRules.Post(next, LedgerKind.Adjustment, 1, false, 7).Total.Low);
        // Overridden, the warehouse may go below zero; the total follows.
        Assert.Equal(-1m, InventoryRules.Post(next, LedgerKind.Shipment, -1, true, null).Warehouse.OnHand);
    }

    [Fact]
    public void LowMeansBelowTheReorderLevel()
    {
        Assert.True(InventoryRules.IsLow(4, 5));
        Assert.False(InventoryRules.IsLow(5, 5));
        Assert.False(InventoryRules.IsLow(-3, null));
    }

    [Fact]
    public void CountedQuantitiesAreZeroOrMore()
    {
        InventoryRules.EnsureCounted(0);
        Assert.Throws<ValidationException>(() => InventoryRules.EnsureCounted(-1));
        Assert.Throws<ValidationException>(() => InventoryRules.EnsureCounted(1.00001m));
    }
}
