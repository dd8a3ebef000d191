using Crm.Domain.Common;
using Crm.Domain.Commerce;
using Crm.Storage.Records;
using Crm.Storage.Tenants;

namespace Crm.Commerce.Catalogue;

/// <summary>
/// Products and services as lines name them: found by id in either (ids are unique across types), and checked
/// for sale: a line added to a document must name a live item that is on the shelf (409 <c>product.off_shelf</c>).
/// </summary>
internal sealed class CatalogueItems(RecordStore<Product> products, RecordStore<ServiceItem> services, RecordStore<ProductCategory> categories,
    RecordStore<Vendor> vendors, TenantStore tenants)
{
    public async Task<ICatalogueItem?> FindAsync(string tenantId, string id, CancellationToken cancellationToken) =>
        (ICatalogueItem?)await products.FindAsync(tenantId, id, cancellationToken) ?? await services.FindAsync(tenantId, id, cancellationToken);

    /// <summary>Many items at once (a document's lines), read in parallel: products first, the rest among services.</summary>
    public async Task<IReadOnlyDictionary<string, ICatalogueItem>> FindManyAsync(string tenantId, IEnumerable<string> ids, CancellationToken cancellationToken)
    {
        var wanted = ids.Where(Crm.Domain.Common.Ids.IsWellFormed).Distinct(StringComparer.Ordinal).ToList();
        var found = (await products.GetManyAsync(tenantId, wanted, cancellationToken)).Values.ToDictionary(p => p.Id, p => (ICatalogueItem)p, StringComparer.Ordinal);
        foreach (var service in (await services.GetManyAsync(tenantId, wanted.Where(id => !found.ContainsKey(id)), cancellationToken)).Values)
        {
            found[service.Id] = service;
        }
        return found;
    }

    /// <summary>The item a line new to a document names, refused when it is unknown (400 at <paramref name="path"/>) or off the shelf (409).</summary>
    public static ICatalogueItem ForSale(ICatalogueItem? item, string id, string path)
    {
        if (item is null)
        {
            throw new ValidationException(path, $"No product or service with id '{id}'.", "product.not_found");
        }
        if (!item.OnShelf)
        {
            throw new ConflictException("product.off_shelf", $"'{item.Name}' ({item.Code}) is off the shelf and cannot be added to a new line.",
                new Dictionary<string, object?> { ["productId"] = item.Id, ["field"] = path });
        }
        return item;
    }

    /// <summary>The item a new line names, refused when it is unknown (400 at <paramref name="path"/>) or off the shelf (409).</summary>
    public async Task<ICatalogueItem> ForSaleAsync(string tenantId, string id, string path, CancellationToken cancellationToken) =>
        ForSale(await FindAsync(tenantId, id, cancellationToken), id, path);

    public async Task EnsureCategoryAsync(string tenantId, string? categoryId, CancellationToken cancellationToken)
    {
        if (categoryId is not null && await categories.FindAsync(tenantId, categoryId, cancellationToken) is null)
        {
            throw new ValidationException("categoryId", $"No product category with id '{categoryId}'.", "product.category_not_found");
        }
    }

    public async Task EnsureVendorAsync(string tenantId, string? vendorId, string field, CancellationToken cancellationToken)
    {
        if (vendorId is not null && await vendors.FindAsync(tenantId, vendorId, cancellationToken) is null)
        {
            throw new ValidationException(field, $"No vendor with id '{vendorId}'.", "vendor.not_found");
        }
    }

    public async Task<string> CurrencyAsync(string tenantId, string? given, CancellationToken cancellationToken) =>
        given ?? (await tenants.FindAsync(tenantId, cancellationToken))?.Currency ?? "CNY";
}
