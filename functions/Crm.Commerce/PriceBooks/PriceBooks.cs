using System.ComponentModel.DataAnnotations;
using ValidationException = Crm.Domain.Common.ValidationException;
using Crm.Commerce.Catalogue;
using Crm.Domain.Common;
using Crm.Domain.Commerce;
using Crm.Platform.Access;
using Crm.Platform.Records;
using Crm.Platform.Web;
using Crm.Storage.Records;

namespace Crm.Commerce.PriceBooks;

/// <summary>A price book's create body and the view a merge patch applies to (the price list is replaced as a whole).</summary>
public sealed record PriceBookFields : ModuleFields
{
    /// <summary>Unique in the tenant.</summary>
    [Required, NotBlank, StringLength(100, MinimumLength = 1)]
    public string Name { get; init; } = "";

    /// <summary>ISO 4217: every price of the book, and every document priced from it, is in this currency.</summary>
    [Required, StringLength(3, MinimumLength = 3)]
    [Fixed("priceBook.currency_fixed", "A price book keeps its currency; make another book for another currency.")]
    public string Currency { get; init; } = "";

    /// <summary>Only an active book may be picked by a new quote or contract.</summary>
    public bool Active { get; init; } = true;

    [StringLength(1000)]
    public string? Description { get; init; }

    /// <summary>One price per product or service (its kind is filled in from the catalogue).</summary>
    public IReadOnlyList<BookPrice>? Prices { get; init; }
}

internal sealed class PriceBookRecordType : RecordType<PriceBook>
{
    public override string Name => "priceBook";
    public override string Table => "pricebooks";
    public override string Collection => "price-books";
    public override string DisplayName(PriceBook record) => record.Name;

    public override IEnumerable<UniqueKey> UniqueKeys(PriceBook record) =>
        [new("name", TextNormalizer.Normalize(record.Name), "priceBook.duplicate_name", $"A price book named '{record.Name}' already exists.")];

    public override IReadOnlyList<string> IndexedFields => ["currency", "active"];

    public override IReadOnlySet<string> FilterableFields { get; } = new HashSet<string>([
        "name", "currency", "active", "createdAt", "createdBy", "updatedAt", "updatedBy"]);
}

/// <summary>A price book's rules: a currency, prices of 0 or more, each for a product or service that exists (those already listed stay).</summary>
internal sealed class PriceBookService(RecordStore<PriceBook> store, CatalogueItems catalogue, OwnedAccess access, TimeProvider clock)
    : RecordService<PriceBook, PriceBookFields>(store, access, clock)
{
    protected override async ValueTask<PriceBook> CreatingAsync(Caller caller, PriceBookFields input, PriceBook record, DateTimeOffset now,
        CancellationToken cancellationToken) => await PricedAsync(caller.TenantId, record, [], cancellationToken);

    protected override async ValueTask<PriceBook> UpdatingAsync(Caller caller, PriceBook current, PriceBookFields changes, PriceBook updated,
        CancellationToken cancellationToken) => await PricedAsync(caller.TenantId, updated, current.Prices, cancellationToken);

    private async Task<PriceBook> PricedAsync(string tenantId, PriceBook book, IReadOnlyList<BookPrice> held, CancellationToken cancellationToken)
    {
        CatalogueRules.CheckPrices(book.Currency, book.Prices);
        var prices = new List<BookPrice>(book.Prices.Count);
        for (var i = 0; i < book.Prices.Count; i++)
        {
            var price = book.Prices[i];
            if (held.FirstOrDefault(h => h.ItemId == price.ItemId) is { } kept)
            {
                prices.Add(price with { Kind = kept.Kind });
                continue;
            }
            var item = await catalogue.FindAsync(tenantId, price.ItemId, cancellationToken)
                ?? throw new ValidationException($"prices[{i}].itemId", $"No product or service with id '{price.ItemId}'.", "product.not_found");
            prices.Add(price with { Kind = item is Product ? ItemKind.Product : ItemKind.Service });
        }
        return book with { Prices = prices };
    }
}
