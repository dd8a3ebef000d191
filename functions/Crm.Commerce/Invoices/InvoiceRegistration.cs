using Crm.Domain.Access;
using Crm.Domain.Commerce;
using Crm.Platform.Access;
using Crm.Platform.Records;

namespace Crm.Commerce.Invoices;

public static class InvoiceRegistration
{
    /// <summary>
    /// Invoices: owned records of a customer's contract on the shared record endpoints (<c>/api/v1/invoices</c>, module
    /// <c>invoices</c>), with the issue and void actions. The sales manager holds every right; the sales rep requests and edits.
    /// </summary>
    public static IServiceCollection AddInvoices(this IServiceCollection services)
    {
        services.AddOwnedRecords<Invoice, InvoiceRecordType, InvoiceFields, InvoiceService>("Invoices", "Invoice", "Invoices",
            (OwnerTransfer.Action, "Give invoices to another owner"),
            (InvoiceActions.Issue, "Record a requested invoice issued by the tax system"),
            (InvoiceActions.Void, "Void an invoice"));
        services.AddSingleton<InvoicedTotals>();
        services.AddSingleton<IApiFeature, InvoiceActions>();
        services.AddBuiltInRoleGrants(
            BuiltInRoleGrant.Of(BuiltInRoles.SalesManager, ["invoices"], "view", "create", "edit", "import", "export", OwnerTransfer.Action,
                InvoiceActions.Issue, InvoiceActions.Void),
            BuiltInRoleGrant.Of(BuiltInRoles.SalesRep, ["invoices"], "view", "create", "edit"));
        return services;
    }
}
