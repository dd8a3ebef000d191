using Crm.Commerce.SalesDocuments;
using Crm.Domain.Commerce;
using Crm.Domain.Common;
using Crm.Platform.Access;
using Crm.Platform.Records;
using Crm.Platform.Web;
using Crm.Storage.Records;
using Crm.Storage.Tenants;

namespace Crm.Commerce.Invoices;

/// <summary>
/// An invoice's way after it is requested: issued by the tax system (its number and day recorded by a holder of
/// <c>invoices.issue</c>), or voided with a reason by a holder of <c>invoices.void</c>, which gives its amount back to the contract.
/// </summary>
internal sealed class InvoiceActions : IApiFeature
{
    public const string Issue = "issue";
    public const string Void = "void";

    private const string Issued = "issued";
    private const string Voided = "voided";

    public void Map(IEndpointRouteBuilder api)
    {
        var group = api.MapGroup("/api/v1/invoices/{id}").WithTags("Invoices");
        group.MapPost("/issue", IssueInvoice).RequirePermission("invoices.issue").WithName("IssueInvoice").ChecksIfMatch()
            .WithSummary("Record a requested invoice issued: the tax system's invoice number and the issue date");
        group.MapPost("/void", VoidInvoice).RequirePermission("invoices.void").WithName("VoidInvoice").ChecksIfMatch()
            .WithSummary("Void a requested or issued invoice, with a reason: its amount no longer counts against the contract");
    }

    public static async Task<RecordJson<Invoice>> IssueInvoice(string id, IssueInvoice input, InvoiceService invoices, DocumentActions actions, HttpContext context)
    {
        RequestValidation.Validate(input);
        var caller = context.Caller();
        var issuedOn = input.IssuedOn ?? await actions.TodayAsync(caller.TenantId, context.RequestAborted);
        return await actions.RunAsync(context, invoices.Store, id, Issue, Issued,
            (_, write) => invoice => ValueTask.FromResult(InvoiceRules.Issue(invoice, input.InvoiceNumber!.Trim(), issuedOn, caller.UserId, write.Now)));
    }

    /// <summary>The void and the contract's lower invoiced total in one transaction, as a request moved it up.</summary>
    public static async Task<RecordJson<Invoice>> VoidInvoice(string id, VoidInvoice input, InvoiceService invoices, InvoicedTotals totals, DocumentActions actions,
        TenantStore tenants, TimeProvider clock, HttpContext context)
    {
        var reason = DocumentActions.Reason(RequestValidation.Validate(input).Reason, "invoice.reason_required");
        var caller = context.Caller();
        var ifMatch = await Preconditions.RequiredIfMatchAsync(context, tenants, caller.TenantId);
        var current = await actions.GetForAsync(caller, invoices.Store, id, Void, context.RequestAborted);
        var write = caller.Write(clock).As(Voided);
        var read = default(InvoicedTotals.Versioned);
        // The store retries a transaction that lost a race; the total is read again on each try, before the change.
        var voided = await invoices.Store.UpdateAsync(write, id, ifMatch ?? current.Version, async invoice =>
            {
                read = await totals.ReadAsync(caller.TenantId, invoice.ContractId, context.RequestAborted);
                return InvoiceRules.Void(invoice, reason, caller.UserId, write.Now);
            },
            (before, after) => before.Counts && !after.Counts ? [InvoicedTotals.Move(caller.TenantId, before.ContractId, read, read.Invoiced - before.Amount)] : [],
            context.RequestAborted);
        Preconditions.SetETag(context, voided);
        return new RecordJson<Invoice>(RecordShape.Of(caller, invoices.Store.TableName, voided));
    }
}
