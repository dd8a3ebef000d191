using System.ComponentModel.DataAnnotations;
using Crm.Domain.Commerce;
using Crm.Domain.Common;
using Crm.Platform.Records;
using Crm.Storage.Records;

namespace Crm.Commerce.Invoices;

/// <summary>
/// An invoice request's body and the view a merge patch (while it is requested) applies to. The contract, customer
/// and amount are fixed once requested, so the contract's invoiced total moves only when an invoice is requested or voided.
/// </summary>
public sealed record InvoiceFields : OwnedFields
{
    [Required, StringLength(26, MinimumLength = 1)]
    [Fixed("invoice.customer_fixed", "An invoice stays with its customer.")]
    public string CustomerId { get; init; } = "";

    [Required, StringLength(26, MinimumLength = 1)]
    [Fixed("invoice.contract_fixed", "An invoice stays with its contract; void it and request another.")]
    public string ContractId { get; init; } = "";

    [Required, NotBlank, StringLength(200, MinimumLength = 1)]
    public string Title { get; init; } = "";

    [StringLength(20)]
    public string? TaxNumber { get; init; }

    [StringLength(100)]
    public string? BankName { get; init; }

    [StringLength(50)]
    public string? BankAccount { get; init; }

    [StringLength(300)]
    public string? Address { get; init; }

    [StringLength(50)]
    public string? Phone { get; init; }

    [Fixed("invoice.amount_fixed", "An invoice keeps its amount; void it and request another.")]
    public decimal Amount { get; init; }

    public InvoiceType Type { get; init; }

    [StringLength(1000)]
    public string? Note { get; init; }
}

/// <summary>Issuing: the number the tax system printed, and the day (the tenant's today when not given).</summary>
public sealed record IssueInvoice(
    [property: Required, NotBlank, StringLength(40, MinimumLength = 1), RegularExpression("^[0-9A-Za-z-]+$")] string? InvoiceNumber,
    DateOnly? IssuedOn);

public sealed record VoidInvoice([property: StringLength(1000)] string? Reason);

internal sealed class InvoiceRecordType : RecordType<Invoice>
{
    public override string Name => "invoice";
    public override string Table => "invoices";
    public override string DisplayName(Invoice record) => record.InvoiceNumber is { } number ? $"{record.Title} {number}" : record.Title;

    /// <summary>Voiding, not deleting, takes an invoice off its contract's invoiced total, so the two always agree.</summary>
    public override bool CanDelete => false;

    public override IEnumerable<UniqueKey> UniqueKeys(Invoice record) => record.InvoiceNumber is { } number
        ? [new("invoiceNumber", TextNormalizer.Normalize(number), "invoice.duplicate_number", $"An invoice numbered '{number}' is already recorded.")]
        : [];

    public override IReadOnlyList<string> IndexedFields => ["customerId", "contractId", "status", "type"];

    public override IEnumerable<SearchTerm> SearchTerms(Invoice record) => [new("title", record.Title), new("invoiceNumber", record.InvoiceNumber), new("taxNumber", record.TaxNumber)];

    public override IReadOnlySet<string> FilterableFields { get; } = new HashSet<string>([
        "customerId", "contractId", "title", "taxNumber", "type", "status", "invoiceNumber", "issuedOn", "currency", "amount", "ownerId",
        "createdAt", "createdBy", "updatedAt", "updatedBy"]);
}
