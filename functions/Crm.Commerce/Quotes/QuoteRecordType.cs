using Crm.Domain.Commerce;
using Crm.Domain.Common;
using Crm.Storage.Records;

namespace Crm.Commerce.Quotes;

internal sealed class QuoteRecordType : RecordType<Quote>
{
    public override string Name => "quote";
    public override string Table => "quotes";
    public override string DisplayName(Quote record) => record.Name;

    /// <summary>A number is unique in the tenant; the numbering series makes it so, the key keeps it so after a rule change.</summary>
    public override IEnumerable<UniqueKey> UniqueKeys(Quote record) =>
        record.Number.Length == 0 ? [] : [new("number", TextNormalizer.Normalize(record.Number), "quote.duplicate_number", $"A quote numbered '{record.Number}' already exists.")];

    /// <summary>A customer's quotes (cascade, merge, timeline), an opportunity's, and the stage filter.</summary>
    public override IReadOnlyList<string> IndexedFields => ["customerId", "opportunityId", "stage"];

    public override IEnumerable<SearchTerm> SearchTerms(Quote record) => [new("number", record.Number), new("name", record.Name)];

    public override IReadOnlySet<string> FilterableFields { get; } = new HashSet<string>([
        "number", "name", "customerId", "opportunityId", "contactId", "validUntil", "stage", "priceBookId", "currency", "contractId",
        "ownerId", "createdAt", "createdBy", "updatedAt", "updatedBy"]);
}
