using System.ComponentModel.DataAnnotations;
using ValidationException = Crm.Domain.Common.ValidationException;
using Crm.Domain.Common;
using Crm.Domain.Commerce;
using Crm.Platform.Access;
using Crm.Platform.Records;
using Crm.Platform.Web;
using Crm.Storage.Records;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Crm.Commerce.Categories;

/// <summary>A category's create body and the view a merge patch applies to; a changed parent is a move.</summary>
public sealed record CategoryFields
{
    [Required, NotBlank, StringLength(100, MinimumLength = 1)]
    public string Name { get; init; } = "";

    /// <summary>A top-level category when not given.</summary>
    [StringLength(26)]
    public string? ParentId { get; init; }

    [Range(0, 100_000)]
    public int SortOrder { get; init; }

    [StringLength(500)]
    public string? Description { get; init; }
}

internal sealed class CategoryRecordType : RecordType<ProductCategory>
{
    public override string Name => "productCategory";
    public override string Table => "productcategories";
    public override string Collection => "product-categories";
    public override string DisplayName(ProductCategory record) => record.Name;

    /// <summary>Names are unique among siblings.</summary>
    public override IEnumerable<UniqueKey> UniqueKeys(ProductCategory record) =>
        [new("name", $"{record.ParentId}~{TextNormalizer.Normalize(record.Name)}", "productCategory.duplicate_name",
            $"A category named '{record.Name}' already exists under the same parent.")];

    public override IReadOnlyList<string> IndexedFields => ["parentId"];

    public override IReadOnlySet<string> FilterableFields { get; } =
        new HashSet<string>(["name", "parentId", "sortOrder", "createdAt", "createdBy", "updatedAt", "updatedBy"]);
}

/// <summary>
/// The category tree's rules: a parent that exists, no move under itself or its descendants, and a delete only of an
/// empty category (no sub-categories, no products or services in it, not even in the recycle bin). A category comes back from the bin only under a live parent.
/// </summary>
internal sealed class CategoryService(RecordStore<ProductCategory> store, RecordStore<Product> products, RecordStore<ServiceItem> services,
    OwnedAccess access, TimeProvider clock) : RecordService<ProductCategory, CategoryFields>(store, access, clock), IRestoreGuard
{
    public string TypeName => Store.TypeName;

    protected override async ValueTask<ProductCategory> CreatingAsync(Caller caller, CategoryFields input, ProductCategory record, DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        await EnsureParentAsync(caller.TenantId, record.ParentId, cancellationToken);
        return record;
    }

    protected override async ValueTask<ProductCategory> UpdatingAsync(Caller caller, ProductCategory current, CategoryFields changes, ProductCategory updated,
        CancellationToken cancellationToken)
    {
        if (updated.ParentId != current.ParentId)
        {
            await EnsureParentAsync(caller.TenantId, updated.ParentId, cancellationToken);
            await TreeRules.EnsureNoCycleAsync(Store.TypeName, current.Id, updated.ParentId,
                async c => (await Store.FindAsync(caller.TenantId, c, cancellationToken))?.ParentId);
        }
        return updated;
    }

    protected override async Task DeletingAsync(Caller caller, string id, CancellationToken cancellationToken)
    {
        if (await Store.AnyWithFieldAsync(caller.TenantId, "parentId", id, cancellationToken))
        {
            throw new ConflictException("productCategory.has_children", "Move or delete the sub-categories first.");
        }
        if (await products.AnyWithFieldAsync(caller.TenantId, "categoryId", id, cancellationToken)
            || await services.AnyWithFieldAsync(caller.TenantId, "categoryId", id, cancellationToken))
        {
            throw new ConflictException("productCategory.not_empty", "Move the category's products and services to another category first.");
        }
        // Binned items count too: a product restored from the bin keeps its category, and would come back into one that
        // no longer exists. Refusing here keeps every restore safe; clearing the category on restore instead would lose it
        // without a word, and refusing the restore would strand the item for good once the category is purged.
        var binned = await BinnedInAsync(products, caller.TenantId, id, cancellationToken);
        binned.AddRange(await BinnedInAsync(services, caller.TenantId, id, cancellationToken));
        if (binned.Count > 0)
        {
            var named = string.Join(", ", binned.Take(5).Select(i => $"'{i.Name}' ({i.Code})")) + (binned.Count > 5 ? $" and {binned.Count - 5} more" : "");
            throw new ConflictException("productCategory.has_binned_items",
                $"{binned.Count} deleted product(s) or service(s) in the recycle bin still belong to this category: {named}. "
                + "Delete them for good, or restore them and move them to another category, first.",
                new Dictionary<string, object?> { ["binnedItemIds"] = binned.Select(i => i.Id).Take(50).ToList() });
        }
    }

    private static async Task<List<ICatalogueItem>> BinnedInAsync<TItem>(RecordStore<TItem> store, string tenantId, string categoryId,
        CancellationToken cancellationToken) where TItem : RecordBase, ICatalogueItem
    {
        var found = new List<ICatalogueItem>();
        await foreach (var item in store.BinnedAsync(tenantId, cancellationToken))
        {
            if (item.CategoryId == categoryId)
            {
                found.Add(item);
            }
        }
        return found;
    }

    public async Task EnsureCanRestoreAsync(Caller caller, string id, CancellationToken cancellationToken)
    {
        if ((await Store.FindInBinAsync(caller.TenantId, id, cancellationToken))?.ParentId is { } parentId
            && await Store.FindAsync(caller.TenantId, parentId, cancellationToken) is null)
        {
            throw new ConflictException("productCategory.parent_deleted", "Restore the parent category first.");
        }
    }

    public Task<IReadOnlyList<TreeNode>> TreeAsync(string tenantId, CancellationToken cancellationToken) =>
        RecordTree.ReadAsync(Store, tenantId, c => c.ParentId, c => c.Name, c => c.SortOrder, cancellationToken);

    private async Task EnsureParentAsync(string tenantId, string? parentId, CancellationToken cancellationToken)
    {
        if (parentId is not null && await Store.FindAsync(tenantId, parentId, cancellationToken) is null)
        {
            throw new ValidationException("parentId", $"No category with id '{parentId}'.", "productCategory.parent_not_found");
        }
    }
}

/// <summary>The tree and CRUD of categories: read with <c>products.view</c>, changed with <c>products.edit</c>.</summary>
internal static class CategoryEndpoints
{
    public static IServiceCollection AddProductCategories(this IServiceCollection services)
    {
        services.AddRecordType<ProductCategory, CategoryRecordType>();
        services.AddSingleton<CategoryService>();
        services.AddSingleton<IRestoreGuard>(sp => sp.GetRequiredService<CategoryService>());
        return services;
    }

    public static IEndpointRouteBuilder MapProductCategories(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/product-categories").WithTags("Product categories");
        group.MapGet("/tree", GetCategoryTree).RequirePermission("products.view").WithName("GetProductCategoryTree")
            .WithSummary("The whole product category tree, children ordered by sort order then name");
        RecordApi<ProductCategory, CategoryFields, CategoryService>.Map(group, "ProductCategory", "ProductCategories",
            new RecordPermissions("products.view", "products.edit", "products.edit", "products.edit"));
        return routes;
    }

    public static async Task<Ok<IReadOnlyList<TreeNode>>> GetCategoryTree(CategoryService service, HttpContext context) =>
        TypedResults.Ok(await service.TreeAsync(context.Caller().TenantId, context.RequestAborted));
}
