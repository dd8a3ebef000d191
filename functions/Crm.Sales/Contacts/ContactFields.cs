using System.ComponentModel.DataAnnotations;
using Crm.Domain.Common;
using Crm.Platform.Records;

namespace Crm.Sales.Contacts;

/// <summary>The fields a client writes, as a create body and as the editable view a merge patch applies to.</summary>
public sealed record ContactFields : PersonFields
{
    /// <summary>A contact stays with its customer; a merge of customers is the only move.</summary>
    [Required, StringLength(26, MinimumLength = 1)]
    [Fixed("contact.customer_fixed", "A contact stays with its customer; create a contact at the other customer, or merge the customers.")]
    public string CustomerId { get; init; } = "";

    [StringLength(100)]
    public string? Department { get; init; }

    [StringLength(100)]
    public string? Wechat { get; init; }

    /// <summary>Decision maker, influencer, user, gatekeeper (dictionary).</summary>
    [StringLength(50)]
    public string? DecisionRole { get; init; }

    public bool IsPrimary { get; init; }

    [StringLength(26)]
    public string? ReportsToId { get; init; }

    public DateOnly? Birthday { get; init; }

    [StringLength(4000)]
    public string? Notes { get; init; }
}
