using Crm.Commerce.Catalogue;
using Crm.Domain.Commerce;
using Crm.Domain.Common;
using Crm.Domain.Sales;
using Crm.Platform.Web;
using Crm.Storage.Records;

namespace Crm.Commerce.SalesDocuments;

/// <summary>
/// Turns the lines a client sent into priced lines. A line new to the document must name a product or service on
/// the shelf; one the document already has (same product) keeps it even if it has left the shelf since. Its price is
/// the price book's, or the item's list price when the book has none and the currencies agree; a unit price sent that
/// departs from it is an override and names who set it (kept while the same price stays).
/// </summary>
internal sealed class SalesLinePricer(CatalogueItems catalogue, RecordStore<PriceBook> priceBooks)
{
    /// <summary>The price book a document names: a new choice must be active and in the document's currency.</summary>
    public async Task<PriceBook?> BookAsync(string tenantId, string? bookId, string? heldId, string? currency, CancellationToken cancellationToken)
    {
        if (bookId is null)
        {
            return null;
        }
        var book = await priceBooks.FindAsync(tenantId, bookId, cancellationToken);
        if (bookId == heldId)
        {
            return book;
        }
        if (book is not { Active: true })
        {
            throw new ValidationException("priceBookId", $"No active price book with id '{bookId}'.", "priceBook.not_found");
        }
        if (currency is not null && book.Currency != currency)
        {
            throw new ValidationException("priceBookId", $"The price book is in {book.Currency}; the document is in {currency}.", "priceBook.currency_mismatch");
        }
        return book;
    }

    /// <summary>
    /// A new sale's price book and currency: the book named, else the customer's default when its currency fits; the
    /// currency given, else the book's, else the tenant's.
    /// </summary>
    public async Task<(PriceBook? Book, string Currency)> OpeningAsync(Caller caller, Customer customer, string? bookId, string? currency,
        CancellationToken cancellationToken)
    {
        var chosen = bookId ?? customer.DefaultPriceBookId;
        var book = await BookAsync(caller.TenantId, chosen, bookId is null ? chosen : null, currency, cancellationToken);
        var resolved = currency ?? book?.Currency ?? await catalogue.CurrencyAsync(caller.TenantId, null, cancellationToken);
        // The customer's default book in another currency than the one asked for: the document goes without it.
        return (book is not null && book.Currency != resolved ? null : book, resolved);
    }

    /// <summary>
    /// An edited sale's lines: those sent, priced; or, when only the price book changed, the held lines re-priced from it
    /// (overrides kept); otherwise the lines held.
    /// </summary>
    public async Task<IReadOnlyList<SalesLine>> RepricedAsync(Caller caller, IReadOnlyList<SalesLineInput>? inputs, IReadOnlyList<SalesLine> held,
        string? bookId, string? heldBookId, string currency, CancellationToken cancellationToken)
    {
        var book = await BookAsync(caller.TenantId, bookId, heldBookId, currency, cancellationToken);
        var wanted = inputs ?? (bookId != heldBookId ? AsInputs(held) : null);
        return wanted is null ? held : await PriceAsync(caller, wanted, held, book, currency, cancellationToken);
    }

    public Task<IReadOnlyList<SalesLine>> PriceAsync(Caller caller, IReadOnlyList<SalesLineInput> inputs, IReadOnlyList<SalesLine> held, PriceBook? book,
        string currency, CancellationToken cancellationToken) => PriceAsync(caller, inputs, held, book, currency, purchase: false, cancellationToken);

    /// <summary>
    /// A purchase order's lines: products only (services are never stocked), on the shelf or not, priced at the
    /// product's cost when it is in the order's currency; a unit price that departs from it is an override as on a sale.
    /// </summary>
    public Task<IReadOnlyList<SalesLine>> PricePurchaseAsync(Caller caller, IReadOnlyList<SalesLineInput> inputs, IReadOnlyList<SalesLine> held,
        string currency, CancellationToken cancellationToken) => PriceAsync(caller, inputs, held, null, currency, purchase: true, cancellationToken);

    private async Task<IReadOnlyList<SalesLine>> PriceAsync(Caller caller, IReadOnlyList<SalesLineInput> inputs, IReadOnlyList<SalesLine> held, PriceBook? book,
        string currency, bool purchase, CancellationToken cancellationToken)
    {
        SalesLines.Check(inputs);
        var items = await catalogue.FindManyAsync(caller.TenantId, inputs.Select(l => l.ProductId!.Trim()), cancellationToken);
        var lines = new List<SalesLine>(inputs.Count);
        for (var i = 0; i < inputs.Count; i++)
        {
            var input = inputs[i];
            var productId = input.ProductId!.Trim();
            var kept = held.FirstOrDefault(h => h.ProductId == productId);
            var path = $"lines[{i}].productId";
            var item = kept is not null ? items.GetValueOrDefault(productId)
                : purchase ? items.GetValueOrDefault(productId) ?? throw new ValidationException(path, $"No product with id '{productId}'.", "product.not_found")
                : CatalogueItems.ForSale(items.GetValueOrDefault(productId), productId, path);
            if (purchase && item is ServiceItem)
            {
                throw new ValidationException(path, $"'{item.Name}' is a service: services are never stocked, so they are not bought on a purchase order.", "purchaseOrder.service_line");
            }
            var bookPrice = purchase
                ? (item is Product { Cost: { } cost } product && product.Currency == currency ? cost : kept?.BookPrice)
                : book?.PriceOf(productId) ?? (item is not null && item.Currency == currency ? item.ListPrice : kept?.BookPrice);
            var unitPrice = input.UnitPrice ?? bookPrice
                ?? throw new ValidationException($"lines[{i}].unitPrice",
                    purchase ? $"'{item!.Name}' has no cost in {currency}. Give a unit price."
                        : $"'{item!.Name}' has no price in {currency}: the price book has none and its list price is in {item.Currency}. Give a unit price.",
                    "line.price_missing");
            var overridden = unitPrice != bookPrice;
            lines.Add(SalesLines.Priced(new SalesLine
            {
                ProductId = productId,
                Kind = item is ServiceItem ? ItemKind.Service : item is Product ? ItemKind.Product : kept!.Kind,
                Code = item?.Code ?? kept!.Code,
                Name = item?.Name ?? kept!.Name,
                Unit = item switch { Product p => p.Unit, ServiceItem s => SalesDocumentRules.Camel(s.Unit), _ => kept!.Unit },
                Description = TextNormalizer.Trimmed(input.Description),
                Quantity = input.Quantity,
                UnitPrice = unitPrice,
                Discount = input.Discount,
                TaxRate = input.TaxRate ?? item?.TaxRate ?? kept!.TaxRate,
                BookPrice = bookPrice ?? unitPrice,
                PriceOverriddenBy = !overridden ? null
                    : kept is { PriceOverriddenBy: { } by } && kept.UnitPrice == unitPrice ? by : caller.UserId,
            }, currency));
        }
        return lines;
    }

    /// <summary>The lines as their own input: on a price book change, the lines not overridden take the new book's price.</summary>
    public static IReadOnlyList<SalesLineInput> AsInputs(IReadOnlyList<SalesLine> lines) =>
        [.. lines.Select(l => new SalesLineInput
        {
            ProductId = l.ProductId,
            Quantity = l.Quantity,
            UnitPrice = l.PriceOverriddenBy is null ? null : l.UnitPrice,
            Discount = l.Discount,
            TaxRate = l.TaxRate,
            Description = l.Description,
        })];
}
