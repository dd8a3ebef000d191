using Crm.Domain.Common;
using Crm.Domain.Sales;
using Crm.Storage.Records;

namespace Crm.Sales.Customers;

internal sealed class CustomerRecordType : RecordType<Customer>
{
    public const string DuplicateName = "customer.duplicate_name";

    public override string Name => "customer";
    public override string Table => "customers";
    public override string DisplayName(Customer record) => record.Name;

    /// <summary>One customer per name in the tenant, whatever the case, width or spacing (PRODUCT.md section 2).</summary>
    public override IEnumerable<UniqueKey> UniqueKeys(Customer record) =>
        [new UniqueKey("name", CustomerRules.NameKey(record.Name), DuplicateName, $"A customer named '{record.Name}' already exists.")];

    /// <summary>The usual list filters ("my A-level customers from exhibitions"); ownerId is indexed for every owned type.</summary>
    public override IReadOnlyList<string> IndexedFields => ["level", "source", "industry"];

    public override IEnumerable<SearchTerm> SearchTerms(Customer record) =>
        [new("name", record.Name), new("shortName", record.ShortName), new("phone", TextNormalizer.Digits(record.Phone)), new("email", record.Email)];

    public override IReadOnlySet<string> FilterableFields { get; } = new HashSet<string>([
        "name", "shortName", "kind", "source", "level", "industry", "phone", "email", "website", "tags",
        "address.country", "address.province", "address.city", "address.district", "address.postcode",
        "ownerId", "lastFollowUpAt", "lockedAt", "createdAt", "createdBy", "updatedAt", "updatedBy"]);
}
