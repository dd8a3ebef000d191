using System.ComponentModel.DataAnnotations;
using Crm.Domain.Access;

namespace Crm.Platform.IpRules;

public sealed record CreateIpRule
{
    /// <summary>An IPv4 or IPv6 network in CIDR form, or a single address.</summary>
    [Required, StringLength(64, MinimumLength = 1)]
    public string Cidr { get; init; } = "";

    [Required]
    public IpRuleKind? Kind { get; init; }

    [StringLength(500)]
    public string? Description { get; init; }
}

/// <summary>The editable view a merge patch applies to.</summary>
public sealed record IpRuleChanges
{
    [Required, StringLength(64, MinimumLength = 1)]
    public string Cidr { get; init; } = "";

    [Required]
    public IpRuleKind? Kind { get; init; }

    [StringLength(500)]
    public string? Description { get; init; }
}
