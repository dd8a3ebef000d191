using Crm.Domain.Common;

namespace Crm.Domain.Commerce;

/// <summary>A Chinese VAT invoice (发票) is ordinary (普票) or special (专票); only a special one lets the buyer deduct input tax.</summary>
public enum InvoiceType
{
    Ordinary,
    SpecialVat,
}

public enum InvoiceStatus
{
    Requested,
    Issued,
    Voided,
}

/// <summary>
/// An invoice (开票) asked for against an active or completed contract of a customer: the buyer's details as the tax
/// system prints them, an amount in the contract's currency, then issued with the tax system's number, or voided. The
/// invoiced total of a contract (requested and issued) never exceeds the contract's total.
/// </summary>
public sealed record Invoice : OwnedRecord
{
    public string CustomerId { get; init; } = "";
    public string ContractId { get; init; } = "";

    /// <summary>The buyer's name as it is printed (抬头).</summary>
    public string Title { get; init; } = "";

    /// <summary>The buyer's taxpayer number (纳税人识别号, the unified social credit code).</summary>
    public string? TaxNumber { get; init; }
    public string? BankName { get; init; }
    public string? BankAccount { get; init; }
    public string? Address { get; init; }
    public string? Phone { get; init; }
    public decimal Amount { get; init; }
    public string Currency { get; init; } = "";
    public InvoiceType Type { get; init; }
    public InvoiceStatus Status { get; init; }

    /// <summary>The number the tax system gave the issued invoice (发票号码).</summary>
    public string? InvoiceNumber { get; init; }
    public DateOnly? IssuedOn { get; init; }
    public string? VoidReason { get; init; }
    public string? Note { get; init; }
    public IReadOnlyList<StatusChange> StatusHistory { get; init; } = [];

    /// <summary>Requested or issued: what counts towards the contract's invoiced total.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public bool Counts => Status != InvoiceStatus.Voided;
}

public static class InvoiceRules
{
    /// <summary>A special VAT invoice carries everything the buyer's tax office checks: tax number, bank, address and phone.</summary>
    public static void CheckBuyer(Invoice invoice)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (invoice.TaxNumber is { } number && !IsTaxNumber(number))
        {
            errors["taxNumber"] = ["15 to 20 capital letters and digits (the unified social credit code has 18)."];
        }
        if (invoice.Type == InvoiceType.SpecialVat)
        {
            foreach (var (field, value) in new[] { ("taxNumber", invoice.TaxNumber), ("bankName", invoice.BankName), ("bankAccount", invoice.BankAccount),
                ("address", invoice.Address), ("phone", invoice.Phone) })
            {
                if (value is null)
                {
                    errors.TryAdd(field, ["A special VAT invoice needs it."]);
                }
            }
        }
        if (errors.Count > 0)
        {
            throw new ValidationException(errors, "invoice.buyer_incomplete");
        }
    }

    /// <summary>More than zero, in the currency's minor unit (no fractions of a fen).</summary>
    public static void CheckAmount(decimal amount, string currency) => SalesLines.CheckAmount(amount, currency, "invoice.invalid_amount");

    /// <summary>A contract is invoiced once it took effect: active, or completed with money still to bill.</summary>
    public static void EnsureInvoiceable(Contract contract)
    {
        if (contract.Status is not (ContractStatus.Active or ContractStatus.Completed))
        {
            throw new ConflictException("invoice.contract_not_active",
                $"Only an active or completed contract is invoiced; this one is {SalesDocumentRules.Camel(contract.Status)}.");
        }
    }

    /// <summary>What the contract may still be invoiced for, given what is invoiced already; 409 when the amount goes over.</summary>
    public static void EnsureWithinContract(decimal invoiced, decimal amount, Contract contract)
    {
        var open = contract.Totals.Gross - invoiced;
        if (amount > open)
        {
            throw new ConflictException("invoice.exceeds_contract",
                $"The contract {contract.Number} is {contract.Totals.Gross} {contract.Currency}, {invoiced} of it invoiced already; at most {Math.Max(0, open)} more.",
                new Dictionary<string, object?> { ["contractTotal"] = contract.Totals.Gross, ["invoiced"] = invoiced, ["open"] = Math.Max(0, open) });
        }
    }

    public static Invoice Issue(Invoice invoice, string number, DateOnly issuedOn, string by, DateTimeOffset at) =>
        Move(invoice, InvoiceStatus.Issued, by, at) with { InvoiceNumber = number, IssuedOn = issuedOn };

    public static Invoice Void(Invoice invoice, string reason, string by, DateTimeOffset at) =>
        Move(invoice, InvoiceStatus.Voided, by, at, reason) with { VoidReason = reason };

    private static Invoice Move(Invoice invoice, InvoiceStatus to, string by, DateTimeOffset at, string? reason = null)
    {
        var allowed = invoice.Status switch
        {
            InvoiceStatus.Requested => [InvoiceStatus.Issued, InvoiceStatus.Voided],
            InvoiceStatus.Issued => [InvoiceStatus.Voided],
            _ => Array.Empty<InvoiceStatus>(),
        };
        if (!allowed.Contains(to))
        {
            throw new ConflictException("invoice.status_invalid", $"An invoice cannot go from {SalesDocumentRules.Camel(invoice.Status)} to {SalesDocumentRules.Camel(to)}.",
                new Dictionary<string, object?> { ["current"] = SalesDocumentRules.Camel(invoice.Status), ["allowed"] = allowed.Select(SalesDocumentRules.Camel).ToArray() });
        }
        return invoice with
        {
            Status = to,
            StatusHistory = [.. invoice.StatusHistory, new StatusChange(SalesDocumentRules.Camel(invoice.Status), SalesDocumentRules.Camel(to), at, by, reason)],
        };
    }

    private static bool IsTaxNumber(string number) => number.Length is >= 15 and <= 20 && number.All(c => c is (>= '0' and <= '9') or (>= 'A' and <= 'Z'));
}
