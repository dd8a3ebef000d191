using Crm.Domain.Commerce;
using Crm.Domain.Common;
using Crm.Storage.Records;

namespace Crm.Commerce.Contracts;

internal sealed class ContractRecordType : RecordType<Contract>
{
    public override string Name => "contract";
    public override string Table => "contracts";
    public override string DisplayName(Contract record) => record.Name;

    public override IEnumerable<UniqueKey> UniqueKeys(Contract record) =>
        record.Number.Length == 0 ? [] : [new("number", TextNormalizer.Normalize(record.Number), "contract.duplicate_number", $"A contract numbered '{record.Number}' already exists.")];

    /// <summary>A customer's contracts (cascade, merge, delete check, timeline), a quote's and an opportunity's, and the status filter.</summary>
    public override IReadOnlyList<string> IndexedFields => ["customerId", "opportunityId", "quoteId", "status"];

    public override IEnumerable<SearchTerm> SearchTerms(Contract record) => [new("number", record.Number), new("name", record.Name)];

    public override IReadOnlySet<string> FilterableFields { get; } = new HashSet<string>([
        "number", "name", "customerId", "opportunityId", "quoteId", "signerContactId", "ourSignerId", "signDate", "startDate", "endDate",
        "priceBookId", "currency", "status", "ownerId", "createdAt", "createdBy", "updatedAt", "updatedBy"]);
}
