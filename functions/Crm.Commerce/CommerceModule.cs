using Crm.Commerce.Catalogue;
using Crm.Commerce.Categories;
using Crm.Commerce.Inventory;
using Crm.Commerce.PriceBooks;
using Crm.Commerce.Products;
using Crm.Commerce.ServiceItems;
using Crm.Commerce.Vendors;
using Crm.Domain.Access;
using Crm.Domain.Commerce;
using Crm.Platform.Access;
using Crm.Platform.Records;

namespace Crm.Commerce;

/// <summary>
/// The commerce module (order to cash): the catalogue (categories, products, services, vendors, price books), the
/// inventory ledger, purchase orders, quotes and contracts. Added after the sales module, whose customers it sells to.
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
        services.AddInventory();
        services.AddBuiltInRoleGrants(
            BuiltInRoleGrant.Of(BuiltInRoles.SalesManager, Catalogue, "view", "create", "edit", "delete", "import", "export"),
            BuiltInRoleGrant.Of(BuiltInRoles.SalesRep, Catalogue, "view"),
            BuiltInRoleGrant.Of(BuiltInRoles.ServiceAgent, ["products", "services"], "view"),
            BuiltInRoleGrant.Of(BuiltInRoles.SalesManager, ["inventory"], "view", "post", "count"),
            BuiltInRoleGrant.Of(BuiltInRoles.SalesRep, ["inventory"], "view"));
        return services;
    }

    /// <summary>The catalogue's permission modules, declared by their <c>AddModuleRecords</c>.</summary>
    private static readonly string[] Catalogue = ["products", "services", "vendors", "pricebooks"];

    /// <summary>The routes not declared through <see cref="IApiFeature"/> (the record types bring theirs).</summary>
    public static IEndpointRouteBuilder MapCommerce(this IEndpointRouteBuilder api) => api.MapProductCategories().MapInventory();
}
