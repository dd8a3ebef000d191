using Crm.Domain.Common;

namespace Crm.Domain.Sales;

/// <summary>
/// When customers go back to the public pool (seed 4 "公海规则"): after <see cref="DaysWithoutFollowUp"/>
/// days without a follow-up or <see cref="DaysWithoutDeal"/> days without a won opportunity, counted from
/// the later of the last such event and the day the owner got the customer. It applies to the owners of
/// its department and the departments below it, or to the whole tenant when <see cref="DepartmentId"/> is null.
/// </summary>
public sealed record PoolRule : RecordBase
{
    public string Name { get; init; } = "";

    /// <summary>Null: the tenant's rule, for owners no department rule covers.</summary>
    public string? DepartmentId { get; init; }
    public int? DaysWithoutFollowUp { get; init; }
    public int? DaysWithoutDeal { get; init; }

    /// <summary>Days before the due date the owner is warned; 0 sends no warning.</summary>
    public int WarnDaysBefore { get; init; }
    public bool Enabled { get; init; } = true;
}
