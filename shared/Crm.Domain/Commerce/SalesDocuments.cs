using System.Text.Json.Nodes;
using Crm.Domain.Common;

namespace Crm.Domain.Commerce;

/// <summary>
/// A line as a client sends it: the product or service, how many, and what it departs from (a unit price other than
/// the price book's, a discount, a tax rate other than the catalogue's). Left out, the price and tax rate are the
/// price book's (or the item's list price) and the item's tax rate.
/// </summary>
public sealed record SalesLineInput
{
    public string? ProductId { get; init; }
    public decimal Quantity { get; init; }
    public decimal? UnitPrice { get; init; }

    /// <summary>A percentage (0-100) off the line.</summary>
    public decimal Discount { get; init; }

    /// <summary>A percentage (13 is 13 %).</summary>
    public decimal? TaxRate { get; init; }
    public string? Description { get; init; }
}

/// <summary>
/// One priced line of a quote, contract or purchase order. <see cref="Net"/> is quantity × unit price less the
/// discount, <see cref="Tax"/> the net at the tax rate, each rounded half away from zero to the document currency's
/// minor unit on its own (<see cref="SalesLines"/>). <see cref="BookPrice"/> is what the price book (or the list
/// price) said when the line took its price; a unit price that departs from it names who set it.
/// </summary>
public sealed record SalesLine
{
    public string ProductId { get; init; } = "";
    public ItemKind Kind { get; init; }
    public string Code { get; init; } = "";
    public string Name { get; init; } = "";
    public string? Unit { get; init; }
    public string? Description { get; init; }
    public decimal Quantity { get; init; }
    public decimal UnitPrice { get; init; }
    public decimal Discount { get; init; }
    public decimal TaxRate { get; init; }
    public decimal BookPrice { get; init; }
    public string? PriceOverriddenBy { get; init; }
    public decimal Net { get; init; }
    public decimal Tax { get; init; }
    public decimal Gross { get; init; }
}

/// <summary>A document's totals: the sums of its rounded lines (<see cref="Discount"/> is what the discounts took off).</summary>
public sealed record SalesTotals(decimal Net, decimal Discount, decimal Tax, decimal Gross)
{
    public static SalesTotals Zero { get; } = new(0, 0, 0, 0);
}

/// <summary>What quotes, contracts and purchase orders share: a number, a currency and priced lines.</summary>
public interface ISalesDocument
{
    string Id { get; }
    string Number { get; }
    string Currency { get; }
    IReadOnlyList<SalesLine> Lines { get; }
    SalesTotals Totals { get; }
}

/// <summary>
/// The money arithmetic of document lines, in decimal only: per line net = round(q × p × (100 − d) / 100), tax =
/// round(net × rate / 100), gross = net + tax; totals are sums of the rounded lines, so they always add up.
/// </summary>
public static class SalesLines
{
    public const int MaxLines = 200;
    public const decimal MaxQuantity = 1_000_000_000m;
    public const decimal MaxUnitPrice = 1_000_000_000_000m;
    public const int QuantityDecimals = 4;
    public const int PriceDecimals = 4;
    public const int PercentDecimals = 4;

    /// <summary>A document's amount (an invoice, a receipt): more than 0, within the price ceiling, in the currency's minor unit (no fractions of a fen).</summary>
    public static void CheckAmount(decimal amount, string currency, string code)
    {
        if (amount <= 0 || amount > MaxUnitPrice || Money.Round(amount, currency) != amount)
        {
            throw new ValidationException("amount", $"More than 0 with at most {Money.MinorUnits(currency)} decimals ({currency}).", code);
        }
    }

    public static SalesLine Priced(SalesLine line, string currency)
    {
        var net = Money.Round(line.Quantity * line.UnitPrice * (100 - line.Discount) / 100, currency);
        var tax = Money.Round(net * line.TaxRate / 100, currency);
        return line with { Net = net, Tax = tax, Gross = net + tax };
    }

    public static IReadOnlyList<SalesLine> Priced(IReadOnlyList<SalesLine> lines, string currency) => [.. lines.Select(l => Priced(l, currency))];

    public static SalesTotals Totals(IReadOnlyList<SalesLine> lines, string currency)
    {
        var net = lines.Sum(l => l.Net);
        var undiscounted = lines.Sum(l => Money.Round(l.Quantity * l.UnitPrice, currency));
        var tax = lines.Sum(l => l.Tax);
        return new SalesTotals(net, undiscounted - net, tax, net + tax);
    }

    /// <summary>What every line sent must hold, each problem under its path (<c>lines[2].quantity</c>).</summary>
    public static void Check(IReadOnlyList<SalesLineInput> lines)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (lines.Count > MaxLines)
        {
            errors["lines"] = [$"At most {MaxLines} lines."];
        }
        for (var i = 0; i < Math.Min(lines.Count, MaxLines); i++)
        {
            var line = lines[i];
            var path = $"lines[{i}]";
            if (line is null)
            {
                errors[path] = ["A line is an object."];
                continue;
            }
            if (string.IsNullOrWhiteSpace(line.ProductId))
            {
                errors[$"{path}.productId"] = ["Every line names a product or service."];
            }
            else if (line.ProductId.Length > 26)
            {
                errors[$"{path}.productId"] = ["At most 26 characters."];
            }
            if (line.Quantity <= 0 || line.Quantity > MaxQuantity || Decimals(line.Quantity) > QuantityDecimals)
            {
                errors[$"{path}.quantity"] = [$"More than 0, at most {MaxQuantity:0}, with at most {QuantityDecimals} decimals."];
            }
            if (line.UnitPrice is { } price && (price < 0 || price > MaxUnitPrice || Decimals(price) > PriceDecimals))
            {
                errors[$"{path}.unitPrice"] = [$"0 or more, at most {MaxUnitPrice:0}, with at most {PriceDecimals} decimals."];
            }
            if (!IsPercent(line.Discount))
            {
                errors[$"{path}.discount"] = [$"A percentage from 0 to 100 with at most {PercentDecimals} decimals."];
            }
            if (line.TaxRate is { } rate && !IsPercent(rate))
            {
                errors[$"{path}.taxRate"] = [$"A percentage from 0 to 100 with at most {PercentDecimals} decimals."];
            }
            if (line.Description is { Length: > 1000 })
            {
                errors[$"{path}.description"] = ["At most 1000 characters."];
            }
        }
        if (errors.Count > 0)
        {
            throw new ValidationException(errors);
        }
    }

    public static bool IsPercent(decimal value) => value is >= 0 and <= 100 && Decimals(value) <= PercentDecimals;

    /// <summary>Significant decimals: 1.50 has one.</summary>
    public static int Decimals(decimal value) => (int)((decimal.GetBits(value / 1.000000000000000000000000000000000m)[3] >> 16) & 0xFF);
}

/// <summary>One change of a document's stage or status, kept in its history.</summary>
public sealed record StatusChange(string? From, string To, DateTimeOffset At, string By, string? Reason = null);

public enum QuoteStage
{
    Draft,

    /// <summary>Under approval (the quote approval flow); only submitting puts it here.</summary>
    InReview,

    /// <summary>Its approval approved it: ready to send, no longer edited.</summary>
    Approved,
    Sent,
    Accepted,
    Rejected,
    Expired,
}

/// <summary>
/// A quote (报价单) to one customer: priced lines, valid until a date, moved through its stages by an action. An
/// accepted quote converts to a contract once (<see cref="ContractId"/>).
/// </summary>
public sealed record Quote : OwnedRecord, ISalesDocument, IPricedDocument<Quote>
{
    public Quote Priced() => this with { Lines = SalesLines.Priced(Lines, Currency), Totals = SalesLines.Totals(SalesLines.Priced(Lines, Currency), Currency) };

    public string Number { get; init; } = "";
    public string Name { get; init; } = "";
    public string CustomerId { get; init; } = "";
    public string? OpportunityId { get; init; }
    public string? ContactId { get; init; }
    public DateOnly? ValidUntil { get; init; }
    public QuoteStage Stage { get; init; }
    public string? PriceBookId { get; init; }
    public string Currency { get; init; } = "";
    public IReadOnlyList<SalesLine> Lines { get; init; } = [];
    public SalesTotals Totals { get; init; } = SalesTotals.Zero;
    public string? Terms { get; init; }
    public string? Description { get; init; }
    public IReadOnlyList<StatusChange> StageHistory { get; init; } = [];

    /// <summary>The quote's last approval.</summary>
    public string? ApprovalId { get; init; }

    /// <summary>The contract this quote became: reserved before the contract is written, so a repeated conversion finds it.</summary>
    public string? ContractId { get; init; }
}

public enum ContractStatus
{
    Draft,
    PendingApproval,
    Active,
    Rejected,
    Completed,
    Terminated,
}

/// <summary>What an amendment of an active contract changed: each field's value before and after.</summary>
public sealed record ContractAmendment(string Id, DateTimeOffset At, string By, string Reason, IReadOnlyDictionary<string, FieldChange> Changes);

/// <summary>
/// A contract (合同, a sales order): it takes effect only by approval, and once active changes only by an amendment,
/// which records what changed, why and by whom.
/// </summary>
public sealed record Contract : OwnedRecord, ISalesDocument, IPricedDocument<Contract>
{
    public Contract Priced() => this with { Lines = SalesLines.Priced(Lines, Currency), Totals = SalesLines.Totals(SalesLines.Priced(Lines, Currency), Currency) };

    public string Number { get; init; } = "";
    public string Name { get; init; } = "";
    public string CustomerId { get; init; } = "";
    public string? OpportunityId { get; init; }
    public string? QuoteId { get; init; }
    public string? SignerContactId { get; init; }
    public string? OurSignerId { get; init; }
    public DateOnly? SignDate { get; init; }
    public DateOnly? StartDate { get; init; }
    public DateOnly? EndDate { get; init; }
    public string? PriceBookId { get; init; }
    public string Currency { get; init; } = "";
    public IReadOnlyList<SalesLine> Lines { get; init; } = [];
    public SalesTotals Totals { get; init; } = SalesTotals.Zero;
    public string? PaymentTerms { get; init; }
    public string? Terms { get; init; }
    public string? Description { get; init; }
    public ContractStatus Status { get; init; }

    /// <summary>The approval the contract went under when last submitted (<c>GET /api/v1/contracts/{id}/approval</c>).</summary>
    public string? ApprovalId { get; init; }
    public IReadOnlyList<StatusChange> StatusHistory { get; init; } = [];
    public IReadOnlyList<ContractAmendment> Amendments { get; init; } = [];

    /// <summary>Draft, under approval or active: what keeps its customer from being deleted.</summary>
    public bool IsLive => Status is ContractStatus.Draft or ContractStatus.PendingApproval or ContractStatus.Active;
}

/// <summary>Field changes as an amendment records them, from the JSON of the contract before and after.</summary>
public static class AmendmentChanges
{
    public static IReadOnlyDictionary<string, FieldChange> Of(JsonObject before, JsonObject after, IEnumerable<string> fields) =>
        FieldChanges.Diff(Pick(before, fields), Pick(after, fields));

    private static JsonObject Pick(JsonObject source, IEnumerable<string> fields)
    {
        var picked = new JsonObject();
        foreach (var field in fields)
        {
            picked[field] = source[field]?.DeepClone();
        }
        return picked;
    }
}
