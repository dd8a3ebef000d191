using System.ComponentModel.DataAnnotations;
using Crm.Domain.Commerce;
using Crm.Domain.Common;
using Crm.Platform.Records;
using Crm.Storage.Records;

namespace Crm.Commerce.Receipts;

/// <summary>
/// A receipt's body and the view a merge patch (while a draft or rejected) applies to. The customer and currency are the
/// contract's; the contract is fixed once recorded (delete the draft and record another).
/// </summary>
public sealed record ReceiptFields : OwnedFields
{
    [Required, StringLength(26, MinimumLength = 1)]
    [Fixed("receipt.contract_fixed", "A receipt stays with its contract; delete the draft and record another.")]
    public string ContractId { get; init; } = "";

    [StringLength(26, MinimumLength = 1)]
    public string? InstallmentId { get; init; }

    public decimal Amount { get; init; }

    [Required]
    public DateOnly? ReceivedOn { get; init; }

    public PaymentMethod Method { get; init; } = PaymentMethod.BankTransfer;

    [StringLength(200)]
    public string? Payer { get; init; }

    [StringLength(100)]
    public string? Reference { get; init; }

    [StringLength(1000)]
    public string? Note { get; init; }
}

public sealed record VoidReceipt([property: StringLength(1000)] string? Reason);

internal sealed class ReceiptRecordType : RecordType<Receipt>
{
    public override string Name => "receipt";
    public override string Table => "receipts";
    public override string DisplayName(Receipt record) => $"{record.Amount} {record.Currency} {record.ReceivedOn:yyyy-MM-dd}";

    public override IReadOnlyList<string> IndexedFields => ["customerId", "contractId", "installmentId", "status", "method"];

    public override IEnumerable<SearchTerm> SearchTerms(Receipt record) => [new("payer", record.Payer), new("reference", record.Reference)];

    public override IReadOnlySet<string> FilterableFields { get; } = new HashSet<string>([
        "customerId", "contractId", "installmentId", "status", "method", "payer", "reference", "receivedOn", "currency", "amount", "ownerId",
        "createdAt", "createdBy", "updatedAt", "updatedBy"]);
}
