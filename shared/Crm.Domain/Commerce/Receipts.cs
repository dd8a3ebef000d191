using Crm.Domain.Common;

namespace Crm.Domain.Commerce;

public enum ReceiptStatus
{
    Draft,
    PendingApproval,
    Approved,
    Rejected,
    Voided,
}

/// <summary>
/// Money a customer paid on a contract (回款): so much on a day, by a method, from a payer, optionally against one
/// installment of the contract's payment plan. It counts towards what the contract received only once approved, and
/// stops counting when voided (a reversal: the bank returned it, it was booked on the wrong contract).
/// </summary>
public sealed record Receipt : OwnedRecord
{
    public string CustomerId { get; init; } = "";
    public string ContractId { get; init; } = "";

    /// <summary>The installment it pays; none leaves the summary to settle the oldest open installments with it.</summary>
    public string? InstallmentId { get; init; }
    public decimal Amount { get; init; }
    public string Currency { get; init; } = "";
    public DateOnly ReceivedOn { get; init; }
    public PaymentMethod Method { get; init; }

    /// <summary>Who paid, as the bank statement names them (a parent company may pay for its subsidiary).</summary>
    public string? Payer { get; init; }

    /// <summary>The bank's transaction number or the cheque number, to reconcile against the statement.</summary>
    public string? Reference { get; init; }
    public string? Note { get; init; }
    public ReceiptStatus Status { get; init; }
    public string? ApprovalId { get; init; }
    public string? VoidReason { get; init; }
    public IReadOnlyList<StatusChange> StatusHistory { get; init; } = [];

    /// <summary>Approved: what the contract's summary counts.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public bool Counts => Status == ReceiptStatus.Approved;
}

public static class ReceiptRules
{
    private static readonly Dictionary<ReceiptStatus, ReceiptStatus[]> Moves = new()
    {
        [ReceiptStatus.Draft] = [ReceiptStatus.PendingApproval],
        [ReceiptStatus.PendingApproval] = [ReceiptStatus.Approved, ReceiptStatus.Rejected, ReceiptStatus.Draft],
        [ReceiptStatus.Rejected] = [ReceiptStatus.PendingApproval],
        [ReceiptStatus.Approved] = [ReceiptStatus.Voided],
        [ReceiptStatus.Voided] = [],
    };

    public static bool IsEditable(ReceiptStatus status) => status is ReceiptStatus.Draft or ReceiptStatus.Rejected;

    /// <summary>The receipt moved to <paramref name="to"/>, or 409 <c>receipt.status_invalid</c>.</summary>
    public static Receipt Move(Receipt receipt, ReceiptStatus to, string by, DateTimeOffset at, string? reason = null)
    {
        if (!Moves[receipt.Status].Contains(to))
        {
            throw new ConflictException("receipt.status_invalid", $"A receipt cannot go from {SalesDocumentRules.Camel(receipt.Status)} to {SalesDocumentRules.Camel(to)}.",
                new Dictionary<string, object?> { ["current"] = SalesDocumentRules.Camel(receipt.Status), ["allowed"] = Moves[receipt.Status].Select(SalesDocumentRules.Camel).ToArray() });
        }
        return receipt with { Status = to, StatusHistory = [.. receipt.StatusHistory, new StatusChange(SalesDocumentRules.Camel(receipt.Status), SalesDocumentRules.Camel(to), at, by, reason)] };
    }

    /// <summary>Money comes in on a contract that took effect: active, completed, or terminated with an amount still owed.</summary>
    public static void EnsureReceivable(Contract contract)
    {
        if (contract.Status is not (ContractStatus.Active or ContractStatus.Completed or ContractStatus.Terminated))
        {
            throw new ConflictException("receipt.contract_not_active",
                $"Only a contract that took effect receives payments; this one is {SalesDocumentRules.Camel(contract.Status)}.");
        }
    }

    /// <summary>A receipt day is not in the future: money is recorded once it arrived.</summary>
    public static void CheckDate(DateOnly receivedOn, DateOnly today)
    {
        if (receivedOn > today)
        {
            throw new ValidationException("receivedOn", $"Not after today ({today:yyyy-MM-dd} in the tenant's time zone): record money once it arrived.", "receipt.future_date");
        }
    }

    /// <summary>
    /// What the contract received (approved receipts), the receipts waiting for approval and this receipt stay within the
    /// contract's total, or 409 <c>receipt.exceeds_contract</c>: an overpayment is refunded or booked on another contract,
    /// not hidden in this one. Counting the pending ones keeps two receipts that each fit from both being approved.
    /// </summary>
    public static void EnsureWithinContract(decimal received, decimal pending, decimal amount, Contract contract)
    {
        var open = contract.Totals.Gross - received - pending;
        if (amount > open)
        {
            throw new ConflictException("receipt.exceeds_contract",
                $"The contract has {Math.Max(0, open)} {contract.Currency} open (received {received}, {pending} awaiting approval); a receipt of {amount} would take it past its total of {contract.Totals.Gross}.",
                new Dictionary<string, object?> { ["outstanding"] = Math.Max(0, open), ["received"] = received, ["pending"] = pending, ["contractTotal"] = contract.Totals.Gross });
        }
    }
}
