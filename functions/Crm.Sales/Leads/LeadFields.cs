using System.ComponentModel.DataAnnotations;
using Crm.Domain.Common;
using Crm.Domain.Sales;
using Crm.Platform.Records;

namespace Crm.Sales.Leads;

/// <summary>
/// The fields a client writes, as a create body and as the editable view a merge patch applies to;
/// follow-up and conversion fields are set by those actions only.
/// </summary>
public sealed record LeadFields : PersonFields
{
    [StringLength(200)]
    public string? Company { get; init; }

    [StringLength(50)]
    public string? Source { get; init; }

    [StringLength(50)]
    public string? Industry { get; init; }

    /// <summary>The tenant's first lead status when not given on create.</summary>
    [StringLength(50)]
    public string? Status { get; init; }

    public Address? Address { get; init; }

    public DateTimeOffset? NextContactAt { get; init; }

    [StringLength(4000)]
    public string? Remark { get; init; }

    [MaxLength(20), EachLength(1, 50)]
    public IReadOnlyList<string>? Tags { get; init; }
}
