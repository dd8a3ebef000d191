using Crm.Domain.Common;
using Crm.Domain.Sales;
using Crm.Storage.Records;

namespace Crm.Sales.Leads;

internal sealed class LeadRecordType : RecordType<Lead>
{
    public override string Name => "lead";
    public override string Table => "leads";
    public override string DisplayName(Lead record) => record.Name;

    /// <summary>A converted lead is no longer listed among leads (PRODUCT.md section 2); it stays readable by id.</summary>
    public override bool IsListed(Lead record) => !record.IsConverted;

    /// <summary>The usual list filters ("my new leads from the website"); ownerId is indexed for every owned type.</summary>
    public override IReadOnlyList<string> IndexedFields => ["status", "source"];

    public override IEnumerable<SearchTerm> SearchTerms(Lead record) =>
        [new("name", record.Name), new("company", record.Company), new("phone", TextNormalizer.Digits(record.Phone)),
            new("mobile", TextNormalizer.Digits(record.Mobile)), new("email", record.Email)];

    public override IReadOnlySet<string> FilterableFields { get; } = new HashSet<string>([
        "name", "company", "title", "phone", "mobile", "email", "source", "industry", "status", "tags", "nextContactAt",
        "address.country", "address.province", "address.city", "address.district", "address.postcode",
        "ownerId", "lastFollowUpAt", "createdAt", "createdBy", "updatedAt", "updatedBy"]);
}
