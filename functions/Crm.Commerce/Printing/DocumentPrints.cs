using Crm.Commerce.Contracts;
using Crm.Commerce.Documents;
using Crm.Commerce.PurchaseOrders;
using Crm.Commerce.Quotes;
using Crm.Domain.Commerce;
using Crm.Domain.Sales;
using Crm.Platform.Access;
using Crm.Platform.Records;
using Crm.Platform.Web;
using Crm.Storage.Records;
using Crm.Storage.Tenants;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Crm.Commerce.Printing;

/// <summary>
/// <c>GET /api/v1/{quotes|contracts|purchase-orders}/{id}/document?format=pdf|html</c>: the document as the tenant's
/// template prints it (ADR 0006). Reading it needs what reading the record needs (view right, data scope).
/// </summary>
internal sealed class DocumentPrints : IApiFeature
{
    public void Map(IEndpointRouteBuilder api)
    {
        api.MapGet("/api/v1/quotes/{id}/document", PrintQuote).WithTags("Quotes").RequirePermission("quotes.view").WithName("PrintQuote")
            .WithSummary("The quote as a printable document: PDF (default) or HTML, from the tenant's quote template");
        api.MapGet("/api/v1/contracts/{id}/document", PrintContract).WithTags("Contracts").RequirePermission("contracts.view").WithName("PrintContract")
            .WithSummary("The contract as a printable document: PDF (default) or HTML, from the tenant's contract template");
        api.MapGet("/api/v1/purchase-orders/{id}/document", PrintPurchaseOrder).WithTags("Purchase orders").RequirePermission("purchaseorders.view")
            .WithName("PrintPurchaseOrder").WithSummary("The purchase order as a printable document: PDF (default) or HTML");
    }

    public static async Task<FileContentHttpResult> PrintQuote(string id, RecordWriter<Quote, QuoteFields, QuoteService> quotes, PrintParties parties,
        DocumentRenderer renderer, HttpContext context, string? format = null)
    {
        var kind = DocumentTemplateEndpoints.Format(format);
        var caller = context.Caller();
        var quote = await quotes.ReadAsync(caller, id, context.RequestAborted);
        var (seller, buyer) = await parties.OfCustomerAsync(caller.TenantId, quote.CustomerId, context.RequestAborted);
        var document = Printable(PrintableKind.Quote, quote, quote.Name, DateOnly.FromDateTime(quote.CreatedAt.UtcDateTime), seller, buyer) with
        {
            ValidUntil = quote.ValidUntil,
            ContactName = await parties.ContactNameAsync(caller.TenantId, quote.ContactId, context.RequestAborted),
            Terms = quote.Terms,
            Notes = quote.Description,
        };
        return DocumentResults.File(context, await renderer.RenderAsync(caller.TenantId, document, kind, context.RequestAborted));
    }

    public static async Task<FileContentHttpResult> PrintContract(string id, RecordWriter<Contract, ContractFields, ContractService> contracts, PrintParties parties,
        DocumentRenderer renderer, HttpContext context, string? format = null)
    {
        var kind = DocumentTemplateEndpoints.Format(format);
        var caller = context.Caller();
        var contract = await contracts.ReadAsync(caller, id, context.RequestAborted);
        var (seller, buyer) = await parties.OfCustomerAsync(caller.TenantId, contract.CustomerId, context.RequestAborted);
        var document = Printable(PrintableKind.Contract, contract, contract.Name, contract.SignDate ?? DateOnly.FromDateTime(contract.CreatedAt.UtcDateTime), seller, buyer) with
        {
            ValidUntil = contract.EndDate,
            ContactName = await parties.ContactNameAsync(caller.TenantId, contract.SignerContactId, context.RequestAborted),
            Terms = string.Join("\n\n", new[] { contract.PaymentTerms, contract.Terms }.Where(t => !string.IsNullOrWhiteSpace(t))),
            Notes = contract.Description,
        };
        return DocumentResults.File(context, await renderer.RenderAsync(caller.TenantId, document, kind, context.RequestAborted));
    }

    public static async Task<FileContentHttpResult> PrintPurchaseOrder(string id, RecordWriter<PurchaseOrder, PurchaseOrderFields, PurchaseOrderService> orders,
        PrintParties parties, DocumentRenderer renderer, HttpContext context, string? format = null)
    {
        var kind = DocumentTemplateEndpoints.Format(format);
        var caller = context.Caller();
        var order = await orders.ReadAsync(caller, id, context.RequestAborted);
        var (company, vendor) = await parties.OfVendorAsync(caller.TenantId, order.VendorId, context.RequestAborted);
        // On a purchase order the tenant buys: the vendor sells.
        var document = Printable(PrintableKind.PurchaseOrder, order, order.Name, DateOnly.FromDateTime(order.CreatedAt.UtcDateTime), vendor, company) with
        {
            ValidUntil = order.ExpectedOn,
            Terms = order.Terms,
            Notes = order.Description,
        };
        return DocumentResults.File(context, await renderer.RenderAsync(caller.TenantId, document, kind, context.RequestAborted));
    }

    private static PrintableDocument Printable(PrintableKind kind, ISalesDocument source, string title, DateOnly issuedOn, PrintableParty seller, PrintableParty buyer) => new()
    {
        Kind = kind,
        Number = source.Number,
        Title = title,
        IssuedOn = issuedOn,
        Currency = source.Currency,
        Seller = seller,
        Buyer = buyer,
        Lines = [.. source.Lines.Select((l, i) => new PrintableLine
        {
            Position = i + 1,
            Code = l.Code,
            Name = l.Name,
            Description = l.Description,
            Quantity = l.Quantity,
            Unit = l.Unit,
            UnitPrice = l.UnitPrice,
            DiscountPercent = l.Discount,
            TaxPercent = l.TaxRate,
            Net = l.Net,
            Tax = l.Tax,
            Gross = l.Gross,
        })],
        Totals = new PrintableTotals(source.Totals.Net, source.Totals.Discount, source.Totals.Tax, source.Totals.Gross),
    };
}

/// <summary>Who a printed document is between: the tenant's company and the customer (or vendor), as stored now.</summary>
internal sealed class PrintParties(TenantStore tenants, RecordStore<Customer> customers, RecordStore<Contact> contacts, RecordStore<Vendor> vendors)
{
    public async Task<(PrintableParty Company, PrintableParty Customer)> OfCustomerAsync(string tenantId, string customerId, CancellationToken cancellationToken)
    {
        var customer = await customers.FindAsync(tenantId, customerId, cancellationToken);
        return (await CompanyAsync(tenantId, cancellationToken), new PrintableParty
        {
            Name = customer?.Name ?? "",
            Address = customer?.Address is { IsEmpty: false } a
                ? string.Join(" ", new[] { a.Country, a.Province, a.City, a.District, a.Street, a.Postcode }.Where(p => !string.IsNullOrWhiteSpace(p)))
                : null,
            Phone = customer?.Phone,
            Email = customer?.Email,
        });
    }

    public async Task<(PrintableParty Company, PrintableParty Vendor)> OfVendorAsync(string tenantId, string vendorId, CancellationToken cancellationToken)
    {
        var vendor = await vendors.FindAsync(tenantId, vendorId, cancellationToken);
        return (await CompanyAsync(tenantId, cancellationToken),
            new PrintableParty { Name = vendor?.Name ?? "", Address = vendor?.Address, Phone = vendor?.Phone, Email = vendor?.Email });
    }

    public async Task<string?> ContactNameAsync(string tenantId, string? contactId, CancellationToken cancellationToken) =>
        contactId is null ? null : (await contacts.FindAsync(tenantId, contactId, cancellationToken))?.Name;

    /// <summary>The tenant's name; its address and other details are the template's header text.</summary>
    private async Task<PrintableParty> CompanyAsync(string tenantId, CancellationToken cancellationToken) =>
        new() { Name = (await tenants.FindAsync(tenantId, cancellationToken))?.Name ?? "" };
}
