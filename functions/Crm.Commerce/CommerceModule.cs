using Crm.Commerce.Catalogue;
using Crm.Commerce.Categories;
using Crm.Commerce.Contracts;
using Crm.Commerce.Numbering;
using Crm.Commerce.PaymentPlans;
using Crm.Commerce.Documents;
using Crm.Commerce.Inventory;
using Crm.Commerce.Invoices;
using Crm.Commerce.PriceBooks;
using Crm.Commerce.Printing;
using Crm.Commerce.Products;
using Crm.Commerce.PurchaseOrders;
using Crm.Commerce.Quotes;
using Crm.Commerce.Receipts;
using Crm.Commerce.SalesDocuments;
using Crm.Commerce.ServiceItems;
using Crm.Commerce.Shipments;
using Crm.Commerce.Vendors;
using Crm.Commerce.Warehouses;
using Crm.Domain.Access;
using Crm.Domain.Commerce;
using Crm.Platform.Access;
using Crm.Platform.Approvals;
using Crm.Platform.Records;
using Crm.Platform.Timeline;
using Crm.Sales.Customers;
using Crm.Storage.Triggers;

namespace Crm.Commerce;

/// <summary>
/// The commerce module (order to cash): the catalogue (categories, products, services, vendors, price books), the
/// warehouses and their inventory ledger, purchase orders, quotes and contracts. Added after the sales module, whose customers it sells to.
/// </summary>
public static class CommerceModule
{
    public static IServiceCollection AddCommerce(this IServiceCollection services)
    {
        services.AddSingleton<CatalogueItems>();
        services.AddProductCategories();
        services.AddModuleRecords<Product, ProductRecordType, ProductFields, ProductService>("Products", "Product", "Products");
        services.AddModuleRecords<ServiceItem, ServiceItemRecordType, ServiceItemFields, ServiceItemService>("Services", "Service", "Services");
        services.AddModuleRecords<Vendor, VendorRecordType, VendorFields, VendorService>("Vendors", "Vendor", "Vendors");
        services.AddModuleRecords<PriceBook, PriceBookRecordType, PriceBookFields, PriceBookService>("Price books", "PriceBook", "PriceBooks");
        services.AddSingleton<IRecordWriteCheck, SalesLineCheck>();
        services.AddSalesDocuments();
        services.AddDocuments();
        services.AddSingleton<PrintParties>();
        services.AddSingleton<IApiFeature, DocumentPrints>();
        services.AddModuleRecords<Warehouse, WarehouseRecordType, WarehouseFields, WarehouseService>("Warehouses", "Warehouse", "Warehouses");
        services.AddSingleton<ITenantSeed, DefaultWarehouseSeed>();
        services.AddInventory();
        services.AddShipments();
        services.AddBuiltInRoleGrants(
            BuiltInRoleGrant.Of(BuiltInRoles.SalesManager, Catalogue, "view", "create", "edit", "delete", "import", "export"),
            BuiltInRoleGrant.Of(BuiltInRoles.SalesRep, Catalogue, "view"),
            BuiltInRoleGrant.Of(BuiltInRoles.ServiceAgent, ["products", "services"], "view"),
            BuiltInRoleGrant.Of(BuiltInRoles.SalesManager, SalesDocuments, "view", "create", "edit", "delete", "import", "export", OwnerTransfer.Action),
            BuiltInRoleGrant.Of(BuiltInRoles.SalesManager, ["contracts"], ContractActions.Amend, ContractActions.Terminate),
            BuiltInRoleGrant.Of(BuiltInRoles.SalesRep, SalesDocuments, "view", "create", "edit"),
            BuiltInRoleGrant.Of(BuiltInRoles.SalesManager, ["purchaseorders"], "view", "create", "edit", "delete", "import", "export",
                PurchaseOrderActions.Receive, PurchaseOrderActions.Pay),
            BuiltInRoleGrant.Of(BuiltInRoles.SalesManager, ["inventory"], "view", "post", "count"),
            BuiltInRoleGrant.Of(BuiltInRoles.SalesManager, ["warehouses"], "view", "create", "edit", "delete", "import", "export"),
            BuiltInRoleGrant.Of(BuiltInRoles.SalesRep, ["inventory", "warehouses"], "view"));
        return services;
    }

    /// <summary>
    /// Quotes and contracts: owned records of a customer (transfer cascade, pool, merge, timeline), numbered by the
    /// tenant's rules, priced from price books, with their stage and approval actions.
    /// </summary>
    private static IServiceCollection AddSalesDocuments(this IServiceCollection services)
    {
        services.AddSingleton<DocumentNumbers>();
        services.AddSingleton<SalesLinePricer>();
        services.AddSingleton<SalesDocumentParties>();
        services.AddSingleton<DocumentActions>();
        services.AddOwnedRecords<Quote, QuoteRecordType, QuoteFields, QuoteService>("Quotes", "Quote", "Quotes",
            (OwnerTransfer.Action, "Give quotes to another owner"));
        services.AddOwnedRecords<Contract, ContractRecordType, ContractFields, ContractService>("Contracts", "Contract", "Contracts",
            (OwnerTransfer.Action, "Give contracts to another owner"),
            (ContractActions.Amend, "Amend an active contract"),
            (ContractActions.Terminate, "Terminate an active contract"));
        services.AddSingleton<QuoteActions>();
        services.AddSingleton<IApiFeature>(sp => sp.GetRequiredService<QuoteActions>());
        services.AddSingleton<ContractActions>();
        services.AddSingleton<IApiFeature>(sp => sp.GetRequiredService<ContractActions>());
        services.AddSingleton<ICustomerDependents>(sp => new CustomerDocuments<Quote>("quotes", sp.GetRequiredService<QuoteService>().Store,
            sp.GetRequiredService<QuoteService>().OfCustomerAsync, (q, customerId) => q with { CustomerId = customerId }));
        services.AddSingleton<ICustomerDependents>(sp => new CustomerDocuments<Contract>("contracts", sp.GetRequiredService<ContractService>().Store,
            sp.GetRequiredService<ContractService>().OfCustomerAsync, (c, customerId) => c with { CustomerId = customerId }));
        services.AddSingleton<ICustomerDeleteCheck, LiveContractsCheck>();
        services.AddApprovalDocument<QuoteApproval>();
        services.AddApprovalDocument<ContractApproval>();
        services.AddApprovalDocument<PurchaseOrderApproval>();
        services.AddModuleRecords<PurchaseOrder, PurchaseOrderRecordType, PurchaseOrderFields, PurchaseOrderService>("Purchase orders", "PurchaseOrder", "PurchaseOrders",
            (PurchaseOrderActions.Receive, "Receive goods against an approved purchase order"),
            (PurchaseOrderActions.Pay, "Record a purchase order paid"));
        services.AddSingleton<IApiFeature, PurchaseOrderActions>();
        services.AddSingleton<PurchaseReceipts>();
        services.AddTimerJob<PurchaseReceiptSweepJob>(PurchaseReceiptSweepJob.Name);
        services.AddInvoices().AddPaymentPlans().AddReceipts();
        services.AddSingleton<ITimelineEntries>(sp => new CustomerDocumentsTimeline<Quote>(sp.GetRequiredService<QuoteService>().Store,
            sp.GetRequiredService<QuoteService>().OfCustomerAsync, sp.GetRequiredService<OwnedAccess>()));
        services.AddSingleton<ITimelineEntries>(sp => new CustomerDocumentsTimeline<Contract>(sp.GetRequiredService<ContractService>().Store,
            sp.GetRequiredService<ContractService>().OfCustomerAsync, sp.GetRequiredService<OwnedAccess>()));
        return services;
    }

    private static readonly string[] SalesDocuments = ["quotes", "contracts"];

    /// <summary>The catalogue's permission modules, declared by their <c>AddModuleRecords</c>.</summary>
    private static readonly string[] Catalogue = ["products", "services", "vendors", "pricebooks"];

    /// <summary>The routes not declared through <see cref="IApiFeature"/> (the record types bring theirs).</summary>
    public static IEndpointRouteBuilder MapCommerce(this IEndpointRouteBuilder api) => api.MapProductCategories().MapNumberingSettings().MapDocumentTemplates().MapInventory();
}
