using System.Text.Json.Nodes;
using Crm.Domain.Common;
using Crm.Domain.Commerce;
using Crm.Domain.Sales;
using Crm.Platform.Records;
using Crm.Storage.Records;

namespace Crm.Commerce.Catalogue;

/// <summary>
/// What the catalogue asks of the sales records, which do not know it: an opportunity line added from now on names
/// a real product or service that is on the shelf (lines it already has keep theirs, free references included),
/// and a customer's default price book is one that exists and is active.
/// </summary>
internal sealed class SalesLineCheck(CatalogueItems catalogue, RecordStore<PriceBook> priceBooks) : IRecordWriteCheck
{
    private const string Opportunities = "opportunities";
    private const string Customers = "customers";
    private const string Lines = "productLines";
    private const string PriceBook = "defaultPriceBookId";

    public bool NeedsCurrent(string module, Type recordType, JsonObject patch) =>
        (module == Opportunities && patch.ContainsKey(Lines)) || (module == Customers && patch.ContainsKey(PriceBook));

    public async Task<bool> CheckCreateAsync(string tenantId, string module, Type recordType, JsonObject body, CancellationToken cancellationToken)
    {
        await CheckAsync(tenantId, module, body, null, cancellationToken);
        return false;
    }

    public async Task<JsonObject> CheckUpdateAsync(string tenantId, string module, RecordBase current, JsonObject patch, CancellationToken cancellationToken)
    {
        await CheckAsync(tenantId, module, patch, current, cancellationToken);
        return patch;
    }

    private async Task CheckAsync(string tenantId, string module, JsonObject body, RecordBase? current, CancellationToken cancellationToken)
    {
        if (module == Opportunities && body[Lines] is JsonArray lines)
        {
            var held = (current as Opportunity)?.ProductLines.Select(l => l.ProductId).ToHashSet(StringComparer.Ordinal) ?? [];
            for (var i = 0; i < lines.Count; i++)
            {
                if (lines[i] is JsonObject line && Text(line["productId"]) is { } productId && !held.Contains(productId))
                {
                    await catalogue.ForSaleAsync(tenantId, productId, $"{Lines}[{i}].productId", cancellationToken);
                }
            }
        }
        if (module == Customers && Text(body[PriceBook]) is { } bookId && bookId != (current as Customer)?.DefaultPriceBookId)
        {
            var book = await priceBooks.FindAsync(tenantId, bookId, cancellationToken);
            if (book is not { Active: true })
            {
                throw new ValidationException(PriceBook, $"No active price book with id '{bookId}'.", "priceBook.not_found");
            }
        }
    }

    private static string? Text(JsonNode? node) =>
        node is JsonValue value && value.TryGetValue<string>(out var text) && !string.IsNullOrWhiteSpace(text) ? text.Trim() : null;
}
