using System.Collections.Frozen;

namespace Crm.Domain.Common;

/// <summary>
/// Amounts are decimals in an ISO 4217 currency, never floating point, rounded half away from zero to the
/// currency's minor unit: per line first, then the document's total is the sum of its rounded lines.
/// </summary>
public static class Money
{
    /// <summary>The currencies whose minor unit is not the cent (ISO 4217 exponent other than 2).</summary>
    private static readonly FrozenDictionary<string, int> Exponents = new Dictionary<string, int>(StringComparer.Ordinal)
    {
        ["BIF"] = 0, ["CLP"] = 0, ["DJF"] = 0, ["GNF"] = 0, ["ISK"] = 0, ["JPY"] = 0, ["KMF"] = 0, ["KRW"] = 0, ["PYG"] = 0,
        ["RWF"] = 0, ["UGX"] = 0, ["UYI"] = 0, ["VND"] = 0, ["VUV"] = 0, ["XAF"] = 0, ["XOF"] = 0, ["XPF"] = 0,
        ["BHD"] = 3, ["IQD"] = 3, ["JOD"] = 3, ["KWD"] = 3, ["LYD"] = 3, ["OMR"] = 3, ["TND"] = 3,
        ["CLF"] = 4, ["UYW"] = 4,
    }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>Digits after the decimal point in <paramref name="currency"/>: 2 unless ISO 4217 says otherwise (or the currency is not known yet).</summary>
    public static int MinorUnits(string? currency) => currency is not null && Exponents.TryGetValue(currency, out var digits) ? digits : 2;

    public static decimal Round(decimal amount, string? currency) => decimal.Round(amount, MinorUnits(currency), MidpointRounding.AwayFromZero);
}

/// <summary>One line of a document that sells something: quantity × unit price, less a percentage discount (0-100).</summary>
public interface IPricedLine
{
    decimal Quantity { get; }
    decimal UnitPrice { get; }
    decimal Discount { get; }
    decimal Total { get; }
}

/// <summary>
/// A record with priced lines (an opportunity's product lines; quotes, contracts and orders as they come). The
/// record engine prices it on every write, so a line's total is always computed in the record's currency and a
/// total a client sent back is never kept.
/// </summary>
public interface IPricedDocument<out T>
{
    T Priced();
}

public static class PricedLines
{
    public static decimal LineTotal(IPricedLine line, string? currency) =>
        Money.Round(line.Quantity * line.UnitPrice * (100 - line.Discount) / 100, currency);

    /// <summary>The lines with their totals computed in <paramref name="currency"/>, each rounded on its own.</summary>
    public static IReadOnlyList<TLine> Priced<TLine>(IReadOnlyList<TLine> lines, string? currency, Func<TLine, decimal, TLine> withTotal)
        where TLine : IPricedLine => [.. lines.Select(l => withTotal(l, LineTotal(l, currency)))];

    /// <summary>
    /// What every priced line must hold, reported under its path (<c>productLines[2].quantity</c>) into
    /// <paramref name="errors"/>: a quantity above 0, a unit price of 0 or more, a discount from 0 to 100.
    /// </summary>
    public static void CheckLine(IPricedLine line, string path, IDictionary<string, string[]> errors)
    {
        if (line.Quantity <= 0)
        {
            errors[$"{path}.quantity"] = ["Must be more than 0."];
        }
        if (line.UnitPrice < 0)
        {
            errors[$"{path}.unitPrice"] = ["Must be 0 or more."];
        }
        if (line.Discount is < 0 or > 100)
        {
            errors[$"{path}.discount"] = ["A percentage between 0 and 100."];
        }
    }
}
