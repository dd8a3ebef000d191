using Crm.Domain.Common;
using Crm.Domain.Sales;

namespace Crm.Domain.Commerce;

/// <summary>What a catalogue item's figures must hold; every problem is reported at once.</summary>
public static class CatalogueRules
{
    public const int MaxGiftItems = 20;
    public const int MaxBookPrices = 2_000;
    public const int MaxVendorContacts = 20;

    public static void CheckItem(decimal listPrice, string? currency, decimal taxRate, decimal? cost = null, decimal? reorderLevel = null,
        IReadOnlyList<GiftItem>? gifts = null, string? selfId = null)
    {
        var errors = new Dictionary<string, string[]>();
        if (listPrice < 0)
        {
            errors["listPrice"] = ["Must be 0 or more."];
        }
        if (cost < 0)
        {
            errors["cost"] = ["Must be 0 or more."];
        }
        CheckTaxRate(taxRate, "taxRate", errors);
        if (currency is not null && !OpportunityRules.IsCurrency(currency))
        {
            errors["currency"] = ["Use an ISO 4217 code of three capital letters, like CNY or EUR."];
        }
        if (reorderLevel < 0)
        {
            errors["reorderLevel"] = ["Must be 0 or more."];
        }
        gifts ??= [];
        if (gifts.Count > MaxGiftItems)
        {
            errors["giftItems"] = [$"At most {MaxGiftItems} gift items."];
        }
        for (var i = 0; i < gifts.Count && i < MaxGiftItems; i++)
        {
            if (gifts[i] is not { } gift || string.IsNullOrWhiteSpace(gift.ProductId))
            {
                errors[$"giftItems[{i}].productId"] = ["Required."];
            }
            else if (gift.ProductId == selfId)
            {
                errors[$"giftItems[{i}].productId"] = ["A product is not its own gift."];
            }
            else if (gift.Quantity <= 0)
            {
                errors[$"giftItems[{i}].quantity"] = ["Must be more than 0."];
            }
        }
        if (gifts.Where(g => g is not null).GroupBy(g => g.ProductId).Any(g => g.Count() > 1))
        {
            errors["giftItems"] = ["Each gift product appears once."];
        }
        Throw(errors);
    }

    /// <summary>A tax rate is a percentage from 0 to 100 with at most four decimals (13, 6, 9.5).</summary>
    public static void CheckTaxRate(decimal taxRate, string path, IDictionary<string, string[]> errors)
    {
        if (taxRate is < 0 or > 100 || decimal.Round(taxRate, 4) != taxRate)
        {
            errors[path] = ["A percentage from 0 to 100, at most four decimals."];
        }
    }

    public static void CheckPrices(string currency, IReadOnlyList<BookPrice> prices)
    {
        var errors = new Dictionary<string, string[]>();
        if (!OpportunityRules.IsCurrency(currency))
        {
            errors["currency"] = ["Use an ISO 4217 code of three capital letters, like CNY or EUR."];
        }
        if (prices.Count > MaxBookPrices)
        {
            errors["prices"] = [$"At most {MaxBookPrices} prices in one book."];
        }
        for (var i = 0; i < prices.Count && i < MaxBookPrices; i++)
        {
            if (prices[i] is not { } price || string.IsNullOrWhiteSpace(price.ItemId))
            {
                errors[$"prices[{i}].itemId"] = ["Required."];
            }
            else if (price.Price < 0)
            {
                errors[$"prices[{i}].price"] = ["Must be 0 or more."];
            }
        }
        if (prices.Where(p => p is not null).GroupBy(p => p.ItemId).Any(g => g.Count() > 1))
        {
            errors["prices"] = ["Each product or service has one price in a book."];
        }
        Throw(errors);
    }

    private static void Throw(Dictionary<string, string[]> errors)
    {
        if (errors.Count > 0)
        {
            throw new ValidationException(errors);
        }
    }
}
