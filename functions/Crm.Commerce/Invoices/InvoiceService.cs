using System.Text.Json.Nodes;
using Crm.Commerce.Contracts;
using Crm.Domain.Commerce;
using Crm.Domain.Common;
using Crm.Platform.Access;
using Crm.Platform.Records;
using Crm.Platform.Web;
using Crm.Storage.Records;
using ValidationException = Crm.Domain.Common.ValidationException;

namespace Crm.Commerce.Invoices;

/// <summary>
/// An invoice's write rules: a contract the writer can see, of the customer named, that took effect; the buyer's details a
/// special VAT invoice needs; an amount in the contract's currency that, with what is invoiced already, stays within the
/// contract's total; edits only while requested.
/// </summary>
internal sealed class InvoiceService(RecordStore<Invoice> store, ContractService contracts, InvoicedTotals totals, OwnedAccess access, TimeProvider clock)
    : RecordService<Invoice, InvoiceFields>(store, access, clock)
{
    private static readonly string[] ByAction = ["currency", "status", "statusHistory", "invoiceNumber", "issuedOn", "voidReason"];

    protected override async ValueTask<Invoice> CreatingAsync(Caller caller, InvoiceFields input, Invoice invoice, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var contract = await Access.FindVisibleAsync(caller, contracts.Store, input.ContractId, cancellationToken)
            ?? throw new ValidationException("contractId", $"No contract with id '{input.ContractId}'.", "invoice.contract_not_found");
        if (contract.CustomerId != input.CustomerId)
        {
            throw new ValidationException("customerId", "The contract is with another customer.", "invoice.contract_other_customer");
        }
        InvoiceRules.EnsureInvoiceable(contract);
        InvoiceRules.CheckAmount(input.Amount, contract.Currency);
        var created = Normalized(invoice) with
        {
            Currency = contract.Currency,
            Status = InvoiceStatus.Requested,
            StatusHistory = [new StatusChange(null, SalesDocumentRules.Camel(InvoiceStatus.Requested), now, caller.UserId)],
        };
        InvoiceRules.CheckBuyer(created);
        return created;
    }

    /// <summary>The invoice and its contract's new invoiced total in one transaction; a concurrent request reads the total again.</summary>
    protected override async Task<Invoice> StoringAsync(WriteContext write, Invoice record, CancellationToken cancellationToken)
    {
        var invoice = record with { Id = Ids.New(write.Now) };
        for (var attempt = 0; ; attempt++)
        {
            // The contract is read again each time: an amendment may have changed its total since the request was checked.
            var contract = await contracts.Store.GetAsync(write.TenantId, invoice.ContractId, cancellationToken);
            InvoiceRules.EnsureInvoiceable(contract);
            var read = await totals.ReadAsync(write.TenantId, invoice.ContractId, cancellationToken);
            InvoiceRules.EnsureWithinContract(read.Invoiced, invoice.Amount, contract);
            try
            {
                return await Store.CreateAsync(write, invoice, [InvoicedTotals.Move(write.TenantId, invoice.ContractId, read, read.Invoiced + invoice.Amount)], cancellationToken);
            }
            catch (ConflictException e) when (e.Code == "record.exists")
            {
                if (await Store.FindAsync(write.TenantId, invoice.Id, cancellationToken) is not null)
                {
                    throw;
                }
                // The total moved under us (its ETag no longer matched): read it again.
                await Contention.WaitAsync(attempt, Store.TypeName, invoice.ContractId, cancellationToken);
            }
        }
    }

    protected override void CheckPatch(JsonObject patch)
    {
        if (ByAction.FirstOrDefault(patch.ContainsKey) is { } field)
        {
            throw new ValidationException(field, "The currency is the contract's; the status, number and issue date change by the invoice's actions.", "invoice.field_by_action");
        }
    }

    protected override void EnsureEditable(Invoice current)
    {
        if (current.Status != InvoiceStatus.Requested)
        {
            throw new ConflictException("invoice.not_editable",
                $"Only a requested invoice is edited; this one is {SalesDocumentRules.Camel(current.Status)}{(current.Status == InvoiceStatus.Issued ? " (void it and request another)" : "")}.");
        }
    }

    protected override ValueTask<Invoice> UpdatingAsync(Caller caller, Invoice current, InvoiceFields changes, Invoice updated, CancellationToken cancellationToken)
    {
        var invoice = Normalized(updated);
        InvoiceRules.CheckBuyer(invoice);
        return ValueTask.FromResult(invoice);
    }

    /// <summary>Tax numbers are printed in capitals without spaces, however they were typed.</summary>
    private static Invoice Normalized(Invoice invoice) =>
        invoice with { TaxNumber = TextNormalizer.Trimmed(invoice.TaxNumber)?.Replace(" ", "", StringComparison.Ordinal).ToUpperInvariant() };
}
