using Crm.Commerce.Catalogue;
using Crm.Domain.Common;
using Crm.Domain.Commerce;
using Crm.Platform.Access;
using Crm.Platform.Records;
using Crm.Storage.Records;

namespace Crm.Commerce.Products;

/// <summary>
/// A product's rules beyond every catalogue item's: a cost and reorder level of 0 or more, and a vendor, manager and
/// gift products that exist.
/// </summary>
internal sealed class ProductService(RecordStore<Product> store, CatalogueItems catalogue, RecordGuard guard, OwnedAccess access, TimeProvider clock)
    : CatalogueItemService<Product, ProductFields>(store, catalogue, access, clock)
{
    protected override Product WithCurrency(Product item, string currency) => item with { Currency = currency };

    protected override void CheckFigures(Product item, string? currency) =>
        CatalogueRules.CheckItem(item.ListPrice, currency, item.TaxRate, item.Cost, item.ReorderLevel, item.GiftItems, item.Id);

    /// <summary>Links already held are not checked again (a vendor deleted since stays named until changed).</summary>
    protected override async Task CheckLinksAsync(string tenantId, Product product, Product? current, CancellationToken cancellationToken)
    {
        if (product.VendorId != current?.VendorId)
        {
            await Catalogue.EnsureVendorAsync(tenantId, product.VendorId, "vendorId", cancellationToken);
        }
        if (product.ManagerId is { } managerId && managerId != current?.ManagerId && !await guard.UserExistsAsync(tenantId, managerId, cancellationToken))
        {
            throw new ValidationException("managerId", $"No user with id '{managerId}'.", "product.manager_not_found");
        }
        for (var i = 0; i < product.GiftItems.Count; i++)
        {
            var gift = product.GiftItems[i];
            if (current?.GiftItems.Any(g => g.ProductId == gift.ProductId) != true && await Store.FindAsync(tenantId, gift.ProductId, cancellationToken) is null)
            {
                throw new ValidationException($"giftItems[{i}].productId", $"No product with id '{gift.ProductId}'.", "product.not_found");
            }
        }
    }
}
