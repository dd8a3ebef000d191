using Crm.Domain.Common;
using Crm.Domain.Commerce;
using Crm.Platform.Access;
using Crm.Platform.Records;
using Crm.Platform.Web;
using Crm.Storage.Records;

namespace Crm.Commerce.Catalogue;

/// <summary>
/// The rules every catalogue item keeps, product or service: figures that hold (a list price of 0 or more, a tax
/// percentage, an ISO currency), a category that exists, and the tenant's currency when none is given. Each kind adds
/// only what is its own (<see cref="CheckFigures"/>, <see cref="CheckLinksAsync"/>). A link already held is not checked
/// again on an update, so an item whose category went since still saves until the category is changed.
/// </summary>
internal abstract class CatalogueItemService<TItem, TFields>(RecordStore<TItem> store, CatalogueItems catalogue, OwnedAccess access, TimeProvider clock)
    : RecordService<TItem, TFields>(store, access, clock)
    where TItem : RecordBase, ICatalogueItem, new() where TFields : CatalogueFields, new()
{
    protected CatalogueItems Catalogue { get; } = catalogue;

    protected sealed override async ValueTask<TItem> CreatingAsync(Caller caller, TFields input, TItem record, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await CheckAsync(caller.TenantId, record, input.Currency, null, cancellationToken);
        return WithCurrency(record, await Catalogue.CurrencyAsync(caller.TenantId, input.Currency, cancellationToken));
    }

    protected sealed override async ValueTask<TItem> UpdatingAsync(Caller caller, TItem current, TFields changes, TItem updated, CancellationToken cancellationToken)
    {
        var currency = changes.Currency ?? current.Currency;
        await CheckAsync(caller.TenantId, updated, currency, current, cancellationToken);
        return WithCurrency(updated, currency);
    }

    /// <summary>The item with its currency (a record's <c>with</c> is not reachable through the type parameter).</summary>
    protected abstract TItem WithCurrency(TItem item, string currency);

    /// <summary>The figures of the item, every problem in one answer; a kind with figures of its own checks them here too.</summary>
    protected virtual void CheckFigures(TItem item, string? currency) => CatalogueRules.CheckItem(item.ListPrice, currency, item.TaxRate);

    /// <summary>The kind's own links (a product's vendor, manager, gifts); <paramref name="current"/> is null on a create.</summary>
    protected virtual Task CheckLinksAsync(string tenantId, TItem item, TItem? current, CancellationToken cancellationToken) => Task.CompletedTask;

    private async Task CheckAsync(string tenantId, TItem item, string? currency, TItem? current, CancellationToken cancellationToken)
    {
        CheckFigures(item, currency);
        if (item.CategoryId != current?.CategoryId)
        {
            await Catalogue.EnsureCategoryAsync(tenantId, item.CategoryId, cancellationToken);
        }
        await CheckLinksAsync(tenantId, item, current, cancellationToken);
    }
}
