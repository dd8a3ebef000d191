using System.ComponentModel.DataAnnotations;
using Crm.Domain.Sales;
using Crm.Storage.Records;

namespace Crm.Sales.Pool;

internal sealed class PoolRuleRecordType : RecordType<PoolRule>
{
    public const string DuplicateScope = "poolRule.duplicate_scope";
    private const string TenantScope = "tenant";

    public override string Name => "poolRule";
    public override string Table => "poolrules";
    public override string Collection => "pool-rules";
    public override string DisplayName(PoolRule record) => record.Name;

    /// <summary>One rule per department and one for the tenant, so "the most specific rule" is never a tie.</summary>
    public override IEnumerable<UniqueKey> UniqueKeys(PoolRule record) =>
        [new UniqueKey("scope", record.DepartmentId ?? TenantScope, DuplicateScope,
            record.DepartmentId is null ? "The tenant already has a pool rule; change that one." : "This department already has a pool rule; change that one.")];

    public override IReadOnlySet<string> FilterableFields { get; } =
        new HashSet<string>(["name", "departmentId", "enabled", "daysWithoutFollowUp", "daysWithoutDeal", "warnDaysBefore", "createdAt", "updatedAt"]);
}

public abstract record PoolRuleFields
{
    [Required, StringLength(100, MinimumLength = 1)]
    public string Name { get; init; } = "";

    /// <summary>Null for the tenant's rule.</summary>
    [StringLength(26)]
    public string? DepartmentId { get; init; }

    public int? DaysWithoutFollowUp { get; init; }
    public int? DaysWithoutDeal { get; init; }
    public int WarnDaysBefore { get; init; }
    public bool Enabled { get; init; } = true;

    public PoolRule ApplyTo(PoolRule rule) => rule with
    {
        Name = Name.Trim(),
        DepartmentId = DepartmentId,
        DaysWithoutFollowUp = DaysWithoutFollowUp,
        DaysWithoutDeal = DaysWithoutDeal,
        WarnDaysBefore = WarnDaysBefore,
        Enabled = Enabled,
    };
}

public sealed record CreatePoolRule : PoolRuleFields;

public sealed record PoolRuleChanges : PoolRuleFields
{
    public static PoolRuleChanges From(PoolRule rule) => new()
    {
        Name = rule.Name,
        DepartmentId = rule.DepartmentId,
        DaysWithoutFollowUp = rule.DaysWithoutFollowUp,
        DaysWithoutDeal = rule.DaysWithoutDeal,
        WarnDaysBefore = rule.WarnDaysBefore,
        Enabled = rule.Enabled,
    };
}
