using Crm.Domain.Common;
using Crm.Domain.Commerce;
using Crm.Storage.Records;

namespace Crm.Commerce.Products;

internal sealed class ProductRecordType : RecordType<Product>
{
    public override string Name => "product";
    public override string Table => "products";
    public override string DisplayName(Product record) => record.Name;

    public override IEnumerable<UniqueKey> UniqueKeys(Product record) =>
        [new("code", TextNormalizer.Normalize(record.Code), "product.duplicate_code", $"A product with the code '{record.Code}' already exists.")];

    /// <summary>A category's products (the delete check), a vendor's, and the shelf filter.</summary>
    public override IReadOnlyList<string> IndexedFields => ["categoryId", "vendorId", "onShelf"];

    public override IEnumerable<SearchTerm> SearchTerms(Product record) => [new("name", record.Name), new("code", record.Code), new("model", record.Model)];

    public override IReadOnlySet<string> FilterableFields { get; } = new HashSet<string>([
        "code", "name", "categoryId", "model", "unit", "listPrice", "currency", "cost", "taxRate", "vendorId", "onShelf", "reorderLevel",
        "managerId", "createdAt", "createdBy", "updatedAt", "updatedBy"]);
}
