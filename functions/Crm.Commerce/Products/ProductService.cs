using Crm.Commerce.Catalogue;
using Crm.Domain.Common;
using Crm.Domain.Commerce;
using Crm.Platform.Access;
using Crm.Platform.Records;
using Crm.Platform.Web;
using Crm.Storage.Records;

namespace Crm.Commerce.Products;

/// <summary>
/// A product's rules: a code unique in the tenant, figures that hold (prices and cost of 0 or more, a tax
/// percentage), a category, vendor, manager and gift products that exist.
/// </summary>
internal sealed class ProductService(RecordStore<Product> store, CatalogueItems catalogue, RecordGuard guard, OwnedAccess access, TimeProvider clock)
    : RecordService<Product, ProductFields>(store, access, clock)
{
    protected override async ValueTask<Product> CreatingAsync(Caller caller, ProductFields input, Product record, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await CheckAsync(caller.TenantId, record, null, cancellationToken);
        return record with { Currency = await catalogue.CurrencyAsync(caller.TenantId, input.Currency, cancellationToken) };
    }

    protected override async ValueTask<Product> UpdatingAsync(Caller caller, Product current, ProductFields changes, Product updated, CancellationToken cancellationToken)
    {
        await CheckAsync(caller.TenantId, updated with { Currency = changes.Currency ?? current.Currency }, current, cancellationToken);
        return updated with { Currency = changes.Currency ?? current.Currency };
    }

    /// <summary>Links already held are not checked again (a vendor deleted since stays named until changed).</summary>
    private async Task CheckAsync(string tenantId, Product product, Product? current, CancellationToken cancellationToken)
    {
        CatalogueRules.CheckItem(product.ListPrice, product.Currency.Length == 0 ? null : product.Currency, product.TaxRate, product.Cost,
            product.ReorderLevel, product.GiftItems, product.Id);
        if (product.CategoryId != current?.CategoryId)
        {
            await catalogue.EnsureCategoryAsync(tenantId, product.CategoryId, cancellationToken);
        }
        if (product.VendorId != current?.VendorId)
        {
            await catalogue.EnsureVendorAsync(tenantId, product.VendorId, "vendorId", cancellationToken);
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
