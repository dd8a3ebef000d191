using Crm.Domain.Sales;
using Crm.Storage.Records;

namespace Crm.Sales.Opportunities;

internal sealed class OpportunityRecordType : RecordType<Opportunity>
{
    public override string Name => "opportunity";
    public override string Table => "opportunities";
    public override string DisplayName(Opportunity record) => record.Name;

    /// <summary>A customer's opportunities (transfer cascade), a pipeline's (delete check), and the usual stage and status filters.</summary>
    public override IReadOnlyList<string> IndexedFields => ["customerId", "pipelineId", "stageKey", "status"];

    public override IEnumerable<SearchTerm> SearchTerms(Opportunity record) => [new("name", record.Name)];

    public override IReadOnlySet<string> FilterableFields { get; } = new HashSet<string>([
        "name", "customerId", "amount", "currency", "expectedCloseDate", "pipelineId", "stageKey", "probability", "status", "lossReason",
        "closedAt", "competitors", "lastFollowUpAt", "ownerId", "createdAt", "createdBy", "updatedAt", "updatedBy"]);
}
