using Crm.Domain.Commerce;
using Crm.Domain.Common;

namespace Crm.UnitTests.Domain;

/// <summary>The money arithmetic of document lines: decimal only, each line rounded half away from zero, totals the sums of the rounded lines.</summary>
public sealed class SalesLinesTests
{
    private static SalesLine Line(decimal quantity, decimal price, decimal discount = 0, decimal taxRate = 0) =>
        new() { ProductId = "p", Quantity = quantity, UnitPrice = price, Discount = discount, TaxRate = taxRate };

    [Theory]
    [InlineData("CNY", 1, 0.125, 0, 0, 0.13, 0)]        // half away from zero, not to even
    [InlineData("CNY", 1, 0.135, 0, 0, 0.14, 0)]
    [InlineData("CNY", 3, 150.005, 10, 13, 405.01, 52.65)]
    [InlineData("JPY", 3, 333.5, 0, 10, 1001, 100)]     // 1000.5 → 1001; 100.1 → 100
    [InlineData("BHD", 1, 1.0005, 0, 5, 1.001, 0.050)]  // three minor digits
    [InlineData("CNY", 0.3333, 0.03, 0, 0, 0.01, 0)]
    public void ALineIsRoundedOnItsOwnInTheCurrencysMinorUnit(string currency, decimal quantity, decimal price, decimal discount, decimal rate, decimal net, decimal tax)
    {
        var priced = SalesLines.Priced(Line(quantity, price, discount, rate), currency);
        Assert.Equal(net, priced.Net);
        Assert.Equal(tax, priced.Tax);
        Assert.Equal(net + tax, priced.Gross);
    }

    [Fact]
    public void TotalsAreTheSumsOfTheRoundedLinesNotARoundedSum()
    {
        // Three lines of 0.005 each: 0.01 each once rounded, so 0.03 in all (a rounded sum would say 0.02).
        var lines = SalesLines.Priced([Line(1, 0.005m), Line(1, 0.005m), Line(1, 0.005m)], "CNY");
        Assert.Equal(0.03m, SalesLines.Totals(lines, "CNY").Net);
    }

    [Fact]
    public void RandomLinesAlwaysAddUp()
    {
        var random = new Random(20261207);
        string[] currencies = ["CNY", "JPY", "BHD", "EUR", "KWD", "CLF"];
        for (var run = 0; run < 2_000; run++)
        {
            var currency = currencies[random.Next(currencies.Length)];
            var digits = Money.MinorUnits(currency);
            var lines = Enumerable.Range(0, random.Next(1, 60)).Select(_ => SalesLines.Priced(Line(
                Math.Round((decimal)random.NextDouble() * 10_000, random.Next(0, 5)),
                Math.Round((decimal)random.NextDouble() * 1_000_000, random.Next(0, 5)),
                Math.Round((decimal)random.NextDouble() * 100, random.Next(0, 3)),
                Math.Round((decimal)random.NextDouble() * 30, random.Next(0, 3))), currency)).ToList();
            foreach (var line in lines)
            {
                var exact = line.Quantity * line.UnitPrice * (100 - line.Discount) / 100;
                Assert.True(Math.Abs(line.Net - exact) <= 0.5m * Unit(digits), $"{line.Net} is not {exact} rounded to {digits} digits");
                Assert.Equal(line.Net, decimal.Round(line.Net, digits));
                Assert.Equal(line.Tax, decimal.Round(line.Tax, digits));
                Assert.True(Math.Abs(line.Tax - line.Net * line.TaxRate / 100) <= 0.5m * Unit(digits));
                Assert.Equal(line.Net + line.Tax, line.Gross);
                Assert.True(line.Net >= 0 && line.Tax >= 0);
            }
            var totals = SalesLines.Totals(lines, currency);
            Assert.Equal(lines.Sum(l => l.Net), totals.Net);
            Assert.Equal(lines.Sum(l => l.Tax), totals.Tax);
            Assert.Equal(totals.Net + totals.Tax, totals.Gross);
            Assert.True(totals.Discount >= 0);
        }
    }

    private static decimal Unit(int digits) => 1m / (decimal)Math.Pow(10, digits);

    [Fact]
    public void TheLargestLineAllowedDoesNotOverflow()
    {
        var line = SalesLines.Priced(Line(SalesLines.MaxQuantity, SalesLines.MaxUnitPrice, 0, 100), "CLF");
        Assert.Equal(SalesLines.MaxQuantity * SalesLines.MaxUnitPrice * 2, line.Gross);
    }

    [Theory]
    [InlineData(1.50, 1)]
    [InlineData(2, 0)]
    [InlineData(0.0001, 4)]
    [InlineData(13.00001, 5)]
    public void DecimalsCountsSignificantDigitsOnly(decimal value, int expected) => Assert.Equal(expected, SalesLines.Decimals(value));

    [Fact]
    public void BadLinesAreReportedUnderTheirPaths()
    {
        var errors = Assert.Throws<ValidationException>(() => SalesLines.Check(
        [
            new SalesLineInput { ProductId = "p", Quantity = 1 },
            new SalesLineInput { ProductId = " ", Quantity = -1, UnitPrice = -2, Discount = 100.5m, TaxRate = -1 },
        ])).Errors.Keys;
        Assert.Equal(["lines[1].productId", "lines[1].quantity", "lines[1].unitPrice", "lines[1].discount", "lines[1].taxRate"], errors);
    }
}

public sealed class NumberRuleTests
{
    private static readonly DateOnly Day = new(2026, 3, 9);

    [Theory]
    [InlineData("HT-{yyyy}{MM}-{seq:0000}", 7, "HT-202603-0007", "HT-202603-{seq:4}")]
    [InlineData("Q{yy}{MM}{dd}{seq}", 12, "Q26030912", "Q260309{seq:0}")]
    [InlineData("{seq:000}/PO", 1234, "1234/PO", "{seq:3}/PO")]
    public void ARuleFormatsItsNumberAndNamesItsSeries(string rule, long sequence, string number, string series)
    {
        Assert.Null(NumberRule.Problem(rule));
        Assert.Equal(number, NumberRule.Format(rule, Day, sequence));
        Assert.Equal(series, NumberRule.Series(rule, Day));
    }

    [Theory]
    [InlineData("")]
    [InlineData("HT-{yyyy}")]
    [InlineData("HT-{seq}-{seq}")]
    [InlineData("HT-{hh}-{seq}")]
    [InlineData("HT {seq}")]
    [InlineData("HT-{seq:0000000000000}")]
    [InlineData("HT-{seq:abc}")]
    [InlineData("HT-{yyyy:00}{seq}")]
    [InlineData("HT-{seq")]
    public void ABadRuleIsRefused(string rule) => Assert.NotNull(NumberRule.Problem(rule));

    [Fact]
    public void ASeriesStartsAgainEachPeriodItsRuleNames() =>
        Assert.NotEqual(NumberRule.Series("HT-{yyyy}{MM}-{seq}", Day), NumberRule.Series("HT-{yyyy}{MM}-{seq}", Day.AddMonths(1)));
}
