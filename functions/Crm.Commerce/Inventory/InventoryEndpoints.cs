using System.ComponentModel.DataAnnotations;
using Crm.Domain.Access;
using Crm.Domain.Commerce;
using Crm.Domain.Common;
using Crm.Platform.Access;
using Crm.Platform.Web;
using Crm.Storage.Inventory;
using Crm.Storage.Records;
using Crm.Storage.Triggers;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Crm.Commerce.Inventory;

/// <summary>
/// A posting's body. <see cref="Quantity"/> is positive and the kind gives the sign, except for an adjustment, whose
/// quantity is signed. <see cref="CorrectsEntryId"/> names the entry a counter-entry corrects.
/// </summary>
public sealed record PostEntryRequest
{
    [Required]
    public LedgerKind? Kind { get; init; }

    [Required, NotBlank, StringLength(26)]
    public string ProductId { get; init; } = "";

    [Required]
    public decimal? Quantity { get; init; }

    [Required, NotBlank, StringLength(200, MinimumLength = 1)]
    public string Reason { get; init; } = "";

    public SourceDocumentRequest? SourceDocument { get; init; }

    [StringLength(26)]
    public string? CorrectsEntryId { get; init; }

    /// <summary>Allow the posting to take available below zero; needs <c>inventory.override</c>.</summary>
    public bool Override { get; init; }

    /// <summary>The warehouse posted to; the tenant's default warehouse when not given.</summary>
    [StringLength(26)]
    public string? WarehouseId { get; init; }
}

public sealed record SourceDocumentRequest
{
    [Required, NotBlank, StringLength(50, MinimumLength = 1)]
    public string Type { get; init; } = "";

    [Required, NotBlank, StringLength(100, MinimumLength = 1)]
    public string Id { get; init; } = "";

    [StringLength(50)]
    public string? Line { get; init; }
}

/// <summary>A stock count: the adjustment to <see cref="CountedQuantity"/> is posted (nothing when on hand already is that).</summary>
public sealed record StockCountRequest
{
    [Required, NotBlank, StringLength(26)]
    public string ProductId { get; init; } = "";

    [Required]
    public decimal? CountedQuantity { get; init; }

    [Required, NotBlank, StringLength(200, MinimumLength = 1)]
    public string Reason { get; init; } = "";

    public bool Override { get; init; }

    /// <summary>The warehouse counted; the tenant's default warehouse when not given.</summary>
    [StringLength(26)]
    public string? WarehouseId { get; init; }
}

/// <summary>The entry, the balance of the warehouse posted to after it, and the product's total over all warehouses.</summary>
public sealed record PostingResponse(LedgerEntry Entry, StockBalance Balance, StockBalance Total);

public sealed record CountResponse(bool Adjusted, LedgerEntry? Entry, StockBalance Balance, StockBalance Total);

public sealed record BalanceResponse(string ProductId, decimal OnHand, decimal Reserved, decimal Available, IReadOnlyList<StockBalance> Warehouses);

public sealed record LowStockItem(string ProductId, string Code, string Name, decimal OnHand, decimal ReorderLevel, decimal Shortfall);

public sealed record LowStockList(IReadOnlyList<LowStockItem> Items, bool Truncated);

public sealed record EntryPage(IReadOnlyList<LedgerEntry> Items, string? NextCursor);

/// <summary>The inventory routes: entries are appended, never changed or deleted (no PUT, PATCH or DELETE).</summary>
internal static class InventoryEndpoints
{
    public static readonly PermissionModule Module = PermissionModule.Of("inventory", "Inventory",
        ("view", "See stock balances and ledger entries"),
        ("post", "Post receipts, shipments, adjustments, reservations and releases"),
        ("count", "Post stock counts"),
        ("override", "Post an entry that takes available stock below zero"));

    public static IServiceCollection AddInventory(this IServiceCollection services)
    {
        services.AddSingleton<LedgerStore>().AddTable(LedgerStore.TableName);
        services.AddSingleton<InventoryLedger>();
        services.AddSingleton<ReconciliationStore>().AddTable(ReconciliationStore.TableName);
        services.AddTimerJob<InventoryReconciliationJob>(InventoryReconciliationJob.Name);
        services.AddPermissionModules([Module]);
        return services;
    }

    public static IEndpointRouteBuilder MapInventory(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/inventory").WithTags("Inventory");
        group.MapPost("/entries", PostInventoryEntry).RequirePermission("inventory.post").WithName("PostInventoryEntry")
            .WithSummary("Append a ledger entry (receipt, shipment, adjustment, reservation, release)");
        group.MapPost("/counts", PostStockCount).RequirePermission("inventory.count").WithName("PostStockCount")
            .WithSummary("Post a stock count: the adjustment to the counted quantity");
        group.MapGet("/products/{id}/balance", GetInventoryBalance).RequirePermission("inventory.view").WithName("GetInventoryBalance")
            .WithSummary("A product's stock: on hand, reserved and available, per warehouse and in total");
        group.MapGet("/products/{id}/entries", ListInventoryEntries).RequirePermission("inventory.view").WithName("ListInventoryEntries")
            .WithSummary("A product's ledger entries, newest first, of all warehouses or of ?warehouseId=");
        group.MapGet("/low-stock", ListLowStock).RequirePermission("inventory.view").WithName("ListLowStock")
            .WithSummary("Products whose on hand in all warehouses is below their reorder level, with the shortfall (at most ?limit=1..200, default 100)");
        group.MapGet("/reconciliations/latest", GetLatestInventoryReconciliation).RequirePermission("inventory.view").WithName("GetLatestInventoryReconciliation")
            .WithSummary("The last reconciliation of balances against their entries, with the differences it found");
        return routes;
    }

    public static async Task<Results<Created<PostingResponse>, Ok<PostingResponse>>> PostInventoryEntry(PostEntryRequest request, InventoryLedger ledger,
        HttpContext context)
    {
        var source = request.SourceDocument is { } d ? new SourceDocument(d.Type, d.Id, d.Line) : null;
        var key = context.Request.Headers["Idempotency-Key"].FirstOrDefault();
        var posted = await ledger.PostAsync(context.Caller(), new LedgerPosting(request.Kind!.Value, request.ProductId, request.Quantity!.Value, request.Reason,
            source, key, request.Override, request.CorrectsEntryId, request.WarehouseId), context.RequestAborted);
        context.Response.Headers.ETag = ETagOf(posted.Stock.Total);
        var body = new PostingResponse(posted.Entry, posted.Stock.Warehouse, posted.Stock.Total);
        return posted.Created
            ? TypedResults.Created($"/api/v1/inventory/products/{posted.Entry.ProductId}/entries", body)
            : TypedResults.Ok(body);
    }

    public static async Task<Ok<CountResponse>> PostStockCount(StockCountRequest request, InventoryLedger ledger, HttpContext context)
    {
        var key = context.Request.Headers["Idempotency-Key"].FirstOrDefault();
        var (posted, stock) = await ledger.CountAsync(context.Caller(), request.ProductId, request.WarehouseId, request.CountedQuantity!.Value, request.Reason,
            request.Override, key, context.RequestAborted);
        context.Response.Headers.ETag = ETagOf(stock.Total);
        return TypedResults.Ok(new CountResponse(posted is not null, posted?.Entry, stock.Warehouse, stock.Total));
    }

    public static async Task<Ok<BalanceResponse>> GetInventoryBalance(string id, InventoryLedger ledger, HttpContext context)
    {
        var (total, warehouses) = await ledger.BalancesAsync(context.Caller(), id, context.RequestAborted);
        context.Response.Headers.ETag = ETagOf(total);
        return TypedResults.Ok(new BalanceResponse(id, total.OnHand, total.Reserved, total.Available, warehouses));
    }

    public static async Task<Ok<EntryPage>> ListInventoryEntries(string id, InventoryLedger ledger, HttpContext context, int? limit, string? cursor,
        string? warehouseId)
    {
        var size = limit ?? 50;
        if (size is < 1 or > 200)
        {
            throw new Crm.Domain.Common.ValidationException("limit", "The limit is 1 to 200.");
        }
        var (items, next) = await ledger.EntriesAsync(context.Caller(), id, warehouseId, size, cursor, context.RequestAborted);
        return TypedResults.Ok(new EntryPage(items, next));
    }

    public static async Task<Ok<LowStockList>> ListLowStock(InventoryLedger ledger, HttpContext context, int? limit)
    {
        var size = limit ?? 100;
        if (size is < 1 or > 200)
        {
            throw new Crm.Domain.Common.ValidationException("limit", "The limit is 1 to 200.");
        }
        var (items, truncated) = await ledger.LowStockAsync(context.Caller(), size, context.RequestAborted);
        return TypedResults.Ok(new LowStockList(items, truncated));
    }

    public static async Task<Results<Ok<ReconciliationReport>, NotFound>> GetLatestInventoryReconciliation(ReconciliationStore reports, HttpContext context)
    {
        var caller = context.Caller();
        caller.Require("inventory.view");
        return await reports.LatestAsync(caller.TenantId, context.RequestAborted) is { } report ? TypedResults.Ok(report) : TypedResults.NotFound();
    }

    /// <summary>The stock's version is the product's entry count: it changes with every entry and only then.</summary>
    private static string ETagOf(StockBalance balance) => $"\"{balance.Entries}\"";
}
