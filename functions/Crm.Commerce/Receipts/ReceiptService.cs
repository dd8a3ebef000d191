using System.Text.Json.Nodes;
using Crm.Commerce.Contracts;
using Crm.Commerce.PaymentPlans;
using Crm.Commerce.SalesDocuments;
using Crm.Domain.Commerce;
using Crm.Domain.Common;
using Crm.Platform.Access;
using Crm.Platform.Records;
using Crm.Platform.Web;
using Crm.Storage.Records;
using ValidationException = Crm.Domain.Common.ValidationException;

namespace Crm.Commerce.Receipts;

/// <summary>
/// A receipt's write rules: a contract the writer can see that took effect; an installment of its plan when one is named;
/// an amount in the contract's currency that, with what the contract received already, stays within its total; a day not
/// in the future. Edits and deletes only while a draft or rejected: under approval it is withdrawn first, once approved it is voided.
/// </summary>
internal sealed class ReceiptService(RecordStore<Receipt> store, ContractService contracts, ContractPayments payments, DocumentActions actions,
    OwnedAccess access, TimeProvider clock) : RecordService<Receipt, ReceiptFields>(store, access, clock)
{
    private static readonly string[] ByAction = ["customerId", "currency", "status", "statusHistory", "approvalId", "voidReason"];

    protected override async ValueTask<Receipt> CreatingAsync(Caller caller, ReceiptFields input, Receipt receipt, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var contract = await Access.FindVisibleAsync(caller, contracts.Store, input.ContractId, cancellationToken)
            ?? throw new ValidationException("contractId", $"No contract with id '{input.ContractId}'.", "receipt.contract_not_found");
        var created = receipt with
        {
            CustomerId = contract.CustomerId,
            Currency = contract.Currency,
            Status = ReceiptStatus.Draft,
            StatusHistory = [new StatusChange(null, SalesDocumentRules.Camel(ReceiptStatus.Draft), now, caller.UserId)],
        };
        await CheckAsync(caller.TenantId, created, contract, cancellationToken);
        return created;
    }

    protected override async ValueTask<Receipt> UpdatingAsync(Caller caller, Receipt current, ReceiptFields changes, Receipt updated, CancellationToken cancellationToken)
    {
        await CheckAsync(caller.TenantId, updated, await contracts.Store.GetAsync(caller.TenantId, updated.ContractId, cancellationToken), cancellationToken);
        return updated;
    }

    /// <summary>The rules a receipt meets whenever it is written or goes up for approval, against the contract and its summary as they are now.</summary>
    public async Task CheckAsync(string tenantId, Receipt receipt, Contract contract, CancellationToken cancellationToken)
    {
        ReceiptRules.EnsureReceivable(contract);
        SalesLines.CheckAmount(receipt.Amount, contract.Currency, "receipt.invalid_amount");
        ReceiptRules.CheckDate(receipt.ReceivedOn, await actions.TodayAsync(tenantId, cancellationToken));
        if (receipt.InstallmentId is { } installmentId)
        {
            await payments.InstallmentAsync(tenantId, contract.Id, installmentId, cancellationToken);
        }
        var counted = await payments.ReadAsync(tenantId, contract.Id, cancellationToken);
        var pending = await Store.ListAllAsync(tenantId, new ListQuery { FieldEquals = [new("contractId", contract.Id)], Limit = 200 }, cancellationToken)
            .Where(r => r.Id != receipt.Id && r.Status == ReceiptStatus.PendingApproval).SumAsync(r => r.Amount, cancellationToken);
        ReceiptRules.EnsureWithinContract(counted.Receipts.Where(r => r.ReceiptId != receipt.Id).Sum(r => r.Amount), pending, receipt.Amount, contract);
    }

    protected override void CheckPatch(JsonObject patch)
    {
        if (ByAction.FirstOrDefault(patch.ContainsKey) is { } field)
        {
            throw new ValidationException(field, "The customer and currency are the contract's; the status changes by approval and voiding.", "receipt.field_by_action");
        }
    }

    protected override void EnsureEditable(Receipt current)
    {
        if (!ReceiptRules.IsEditable(current.Status))
        {
            throw new ConflictException("receipt.not_editable", current.Status switch
            {
                ReceiptStatus.PendingApproval => "The receipt is under approval; withdraw it to edit.",
                ReceiptStatus.Approved => "An approved receipt is not edited; void it and record another.",
                _ => "A voided receipt is not edited.",
            });
        }
    }

    /// <summary>An approved receipt leaves the contract's figures only by a void, which keeps the trail; a pending one is withdrawn first.</summary>
    protected override async Task DeletingAsync(Caller caller, string id, CancellationToken cancellationToken)
    {
        var current = await Store.GetAsync(caller.TenantId, id, cancellationToken);
        if (current.Status is ReceiptStatus.PendingApproval or ReceiptStatus.Approved)
        {
            throw new ConflictException("receipt.not_deletable", current.Status == ReceiptStatus.Approved
                ? "An approved receipt counts on its contract; void it instead."
                : "The receipt is under approval; withdraw it first.");
        }
    }
}
