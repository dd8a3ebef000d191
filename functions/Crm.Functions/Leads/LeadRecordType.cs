using System.ComponentModel.DataAnnotations;
using System.Text.Json.Nodes;
using Crm.Domain.Common;
using Crm.Domain.Sales;
using Crm.Functions.Customers;
using Crm.Storage.Records;

namespace Crm.Functions.Leads;

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

/// <summary>The fields a client writes; follow-up and conversion fields are set by those actions only.</summary>
public abstract record LeadFields
{
    [Required, StringLength(100, MinimumLength = 1)]
    public string Name { get; init; } = "";

    [StringLength(200)]
    public string? Company { get; init; }

    [StringLength(100)]
    public string? Title { get; init; }

    [StringLength(32)]
    public string? Phone { get; init; }

    [StringLength(32)]
    public string? Mobile { get; init; }

    [StringLength(254), EmailAddress]
    public string? Email { get; init; }

    [StringLength(50)]
    public string? Source { get; init; }

    [StringLength(50)]
    public string? Industry { get; init; }

    [StringLength(50)]
    public string? Status { get; init; }

    public AddressInput? Address { get; init; }

    public DateTimeOffset? NextContactAt { get; init; }

    [StringLength(4000)]
    public string? Remark { get; init; }

    [MaxLength(20)]
    public IReadOnlyList<string>? Tags { get; init; }
}

public sealed record CreateLead : LeadFields
{
    [StringLength(26)]
    public string? OwnerId { get; init; }

    public JsonObject? CustomFields { get; init; }
}

/// <summary>The editable view a merge patch applies to.</summary>
public sealed record LeadChanges : LeadFields
{
    public string? OwnerId { get; init; }

    public JsonObject CustomFields { get; init; } = [];
}
