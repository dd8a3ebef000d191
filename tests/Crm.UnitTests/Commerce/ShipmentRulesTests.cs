using Crm.Domain.Commerce;
using Crm.Domain.Common;

namespace Crm.UnitTests.Commerce;

/// <summary>Delivery dates of schedules (month ends, quarters, weeks, the tenant's zone) and a shipment's lines from a contract.</summary>
public sealed class ShipmentRulesTests
{
    private static DateOnly D(string text) => DateOnly.Parse(text, System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public void AMonthlyScheduleFromTheThirtyFirstClampsToEachMonthEndAndComesBack()
    {
        var dates = DeliveryDates.From(SchedulePeriod.Monthly, D("2026-01-31"), null, 0, 5);
        Assert.Equal([D("2026-01-31"), D("2026-02-28"), D("2026-03-31"), D("2026-04-30"), D("2026-05-31")], dates);
        // A leap year's February has its 29th.
        Assert.Equal(D("2028-02-29"), DeliveryDates.Nth(SchedulePeriod.Monthly, D("2028-01-31"), 1));
    }

    [Fact]
    public void QuarterlyAndWeeklyDatesCountFromTheStartAndStopAtTheEnd()
    {
        Assert.Equal([D("2025-11-30"), D("2026-02-28"), D("2026-05-30"), D("2026-08-30")],
            DeliveryDates.From(SchedulePeriod.Quarterly, D("2025-11-30"), null, 0, 4));
        Assert.Equal([D("2026-12-28"), D("2027-01-04"), D("2027-01-11")], DeliveryDates.From(SchedulePeriod.Weekly, D("2026-12-28"), D("2027-01-11"), 0, 10));
        Assert.Null(DeliveryDates.Of(SchedulePeriod.Weekly, D("2026-12-28"), D("2027-01-11"), 3));
        Assert.Equal([D("2027-01-11")], DeliveryDates.From(SchedulePeriod.Weekly, D("2026-12-28"), D("2027-01-11"), 2, 10));
        Assert.Empty(DeliveryDates.From(SchedulePeriod.Monthly, D("2026-12-28"), D("2026-12-27"), 0, 10));
    }

    [Fact]
    public void ADeliveryDateBeginsAtMidnightInTheTenantsZone()
    {
        var shanghai = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");
        Assert.Equal(DateTimeOffset.Parse("2026-03-31T16:00:00Z", System.Globalization.CultureInfo.InvariantCulture), DeliveryDates.StartOf(D("2026-04-01"), shanghai));
        Assert.Equal(D("2026-04-01"), DeliveryDates.DayOf(DateTimeOffset.Parse("2026-03-31T16:00:00Z", System.Globalization.CultureInfo.InvariantCulture), shanghai));
        Assert.Equal(D("2026-03-31"), DeliveryDates.DayOf(DateTimeOffset.Parse("2026-03-31T15:59:59Z", System.Globalization.CultureInfo.InvariantCulture), shanghai));
        // Midnight does not exist in São Paulo's old spring-forward night (2018-11-04): the day begins at 01:00 local.
        var saoPaulo = TimeZoneInfo.FindSystemTimeZoneById("America/Sao_Paulo");
        Assert.Equal(DateTimeOffset.Parse("2018-11-04T03:00:00Z", System.Globalization.CultureInfo.InvariantCulture), DeliveryDates.StartOf(D("2018-11-04"), saoPaulo));
        // Midnight happens twice in Havana when clocks go back from 01:00 to 00:00 (1 November 2026): the day begins at the first.
        var havana = TimeZoneInfo.FindSystemTimeZoneById("America/Havana");
        Assert.Equal(DateTimeOffset.Parse("2026-11-01T04:00:00Z", System.Globalization.CultureInfo.InvariantCulture), DeliveryDates.StartOf(D("2026-11-01"), havana));
    }

    [Fact]
    public void WhatRemainsOfAContractCountsItsShipmentsButNotCancelledOnesOrGifts()
    {
        var contract = new Contract
        {
            Status = ContractStatus.Active,
            Lines =
            [
                new SalesLine { ProductId = "drill", Kind = ItemKind.Product, Quantity = 10 },
                new SalesLine { ProductId = "drill", Kind = ItemKind.Product, Quantity = 2 },
                new SalesLine { ProductId = "install", Kind = ItemKind.Service, Quantity = 1 },
                new SalesLine { ProductId = "saw", Kind = ItemKind.Product, Quantity = 4 },
            ],
        };
        Shipment Of(ShipmentStatus status, params ShipmentLine[] lines) => new() { Status = status, Lines = lines };
        var remaining = ShipmentRules.Remaining(contract, [
            Of(ShipmentStatus.Shipped, new ShipmentLine { ProductId = "drill", Quantity = 5 }, new ShipmentLine { ProductId = "saw", Quantity = 3, Gift = true }),
            Of(ShipmentStatus.Cancelled, new ShipmentLine { ProductId = "drill", Quantity = 7 }),
            Of(ShipmentStatus.Packed, new ShipmentLine { ProductId = "saw", Quantity = 1 }),
        ]);
        Assert.Equal(new Dictionary<string, decimal> { ["drill"] = 7, ["saw"] = 3 }, remaining);

        ShipmentRules.EnsureWithinRemaining([new ShipmentLine { ProductId = "drill", Quantity = 7 }, new ShipmentLine { ProductId = "saw", Quantity = 99, Gift = true }], remaining);
        var over = Assert.Throws<ConflictException>(() => ShipmentRules.EnsureWithinRemaining([new ShipmentLine { ProductId = "saw", Quantity = 3.0001m }], remaining));
        Assert.Equal("shipment.over_remaining", over.Code);
        Assert.Equal(3m, over.Extensions["remaining"]);
    }

    [Fact]
    public void EachProductLineIsFollowedByItsGiftsAtZeroPrice()
    {
        var products = new Dictionary<string, Product>
        {
            ["drill"] = new() { Id = "drill", Code = "DRL", Name = "Drill", GiftItems = [new GiftItem("bits", 2), new GiftItem("gone", 1)] },
            ["bits"] = new() { Id = "bits", Code = "BIT", Name = "Bits", Unit = "box" },
            ["saw"] = new() { Id = "saw", Code = "SAW", Name = "Saw" },
        };
        var lines = ShipmentRules.WithGifts([
            new ShipmentLine { ProductId = "drill", Code = "DRL", Name = "Drill", Quantity = 3, UnitPrice = 150 },
            new ShipmentLine { ProductId = "saw", Code = "SAW", Name = "Saw", Quantity = 1, UnitPrice = 10 },
        ], products);

        Assert.Equal(["1", "2", "3"], lines.Select(l => l.Id));
        Assert.Equal(("bits", 6m, 0m, true, "1", "box"), (lines[1].ProductId, lines[1].Quantity, lines[1].UnitPrice, lines[1].Gift, lines[1].GiftOf, lines[1].Unit));
        Assert.Equal(("saw", false, (string?)null), (lines[2].ProductId, lines[2].Gift, lines[2].GiftOf));
    }

    [Fact]
    public void AShipmentMovesFromPackedToShippedToDeliveredAndIsCancelledOnlyWhilePacked()
    {
        var packed = new Shipment { Status = ShipmentStatus.Packed };
        var shipped = ShipmentRules.Move(packed, ShipmentStatus.Shipped, "u1", DateTimeOffset.UnixEpoch);
        Assert.Equal(ShipmentStatus.Delivered, ShipmentRules.Move(shipped, ShipmentStatus.Delivered, "u1", DateTimeOffset.UnixEpoch).Status);
        var refused = Assert.Throws<ConflictException>(() => ShipmentRules.Move(shipped, ShipmentStatus.Cancelled, "u1", DateTimeOffset.UnixEpoch));
        Assert.Equal("shipment.status_invalid", refused.Code);
        Assert.Equal(["delivered"], (string[])refused.Extensions["allowed"]!);
    }
}
