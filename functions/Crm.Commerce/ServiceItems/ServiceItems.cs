using Crm.Commerce.Catalogue;
using Crm.Domain.Common;
using Crm.Domain.Commerce;
using Crm.Platform.Access;
using Crm.Platform.Records;
using Crm.Platform.Web;
using Crm.Storage.Records;

namespace Crm.Commerce.ServiceItems;

/// <summary>A service's create body and the view a merge patch applies to: a catalogue item sold by times, hours, days or period.</summary>
public sealed record ServiceItemFields : CatalogueFields
{
    public ServiceUnit Unit { get; init; }
}

internal sealed class ServiceItemRecordType : RecordType<ServiceItem>
{
    public override string Name => "service";
    public override string Table => "services";
    public override string DisplayName(ServiceItem record) => record.Name;

    public override IEnumerable<UniqueKey> UniqueKeys(ServiceItem record) =>
        [new("code", TextNormalizer.Normalize(record.Code), "service.duplicate_code", $"A service with the code '{record.Code}' already exists.")];

    public override IReadOnlyList<string> IndexedFields => ["categoryId", "onShelf"];

    public override IEnumerable<SearchTerm> SearchTerms(ServiceItem record) => [new("name", record.Name), new("code", record.Code)];

    public override IReadOnlySet<string> FilterableFields { get; } = new HashSet<string>([
        "code", "name", "categoryId", "unit", "listPrice", "currency", "taxRate", "onShelf", "createdAt", "createdBy", "updatedAt", "updatedBy"]);
}

/// <summary>A service's rules: every catalogue item's, and nothing of a product's stock, vendor or gifts.</summary>
internal sealed class ServiceItemService(RecordStore<ServiceItem> store, CatalogueItems catalogue, OwnedAccess access, TimeProvider clock)
    : CatalogueItemService<ServiceItem, ServiceItemFields>(store, catalogue, access, clock)
{
    protected override ServiceItem WithCurrency(ServiceItem item, string currency) => item with { Currency = currency };
}
