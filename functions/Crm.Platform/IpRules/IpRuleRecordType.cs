using Crm.Domain.Access;
using Crm.Storage.Records;

namespace Crm.Platform.IpRules;

public sealed class IpRuleRecordType : RecordType<IpRule>
{
    public override string Name => "ipRule";
    public override string Table => "iprules";
    public override string Collection => "ip-rules";
    public override string DisplayName(IpRule record) => $"{record.Kind.ToString().ToLowerInvariant()} {record.Cidr}";

    public override IEnumerable<UniqueKey> UniqueKeys(IpRule record) =>
        [new UniqueKey("cidr", record.Cidr, "ipRule.duplicate_cidr", $"A rule for {record.Cidr} already exists.")];

    public override IEnumerable<SearchTerm> SearchTerms(IpRule record) => [new("cidr", record.Cidr), new("description", record.Description)];

    public override IReadOnlySet<string> FilterableFields { get; } =
        new HashSet<string>(["cidr", "kind", "description", "createdAt", "createdBy", "updatedAt", "updatedBy"]);
}
