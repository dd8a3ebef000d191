using System.ComponentModel.DataAnnotations;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Crm.Domain.Common;
using Crm.Domain.Sales;
using Crm.Storage.Records;

namespace Crm.Functions.Contacts;

internal sealed class ContactRecordType : RecordType<Contact>
{
    public const string PrimaryExists = "contact.primary_exists";

    public override string Name => "contact";
    public override string Table => "contacts";
    public override string DisplayName(Contact record) => record.Name;

    /// <summary>One primary contact per customer: the key row makes two concurrent "primary" writes impossible.</summary>
    public override IEnumerable<UniqueKey> UniqueKeys(Contact record) => record.IsPrimary
        ? [new UniqueKey("primary", record.CustomerId, PrimaryExists, "This customer already has a primary contact; unset it first.")]
        : [];

    /// <summary>A customer's contacts are one index range (its contact list, its tree, its delete check).</summary>
    public override IReadOnlyList<string> IndexedFields => ["customerId"];

    public override IEnumerable<SearchTerm> SearchTerms(Contact record) =>
        [new("name", record.Name), new("phone", TextNormalizer.Digits(record.Phone)), new("mobile", TextNormalizer.Digits(record.Mobile)), new("email", record.Email)];

    public override IReadOnlySet<string> FilterableFields { get; } = new HashSet<string>([
        "customerId", "name", "title", "department", "phone", "mobile", "email", "wechat", "decisionRole", "isPrimary",
        "reportsToId", "birthday", "lastFollowUpAt", "ownerId", "createdAt", "createdBy", "updatedAt", "updatedBy"]);
}

public abstract record ContactFields
{
    [Required, StringLength(26, MinimumLength = 1)]
    public string CustomerId { get; init; } = "";

    [Required, StringLength(100, MinimumLength = 1)]
    public string Name { get; init; } = "";

    [StringLength(100)]
    public string? Title { get; init; }

    [StringLength(100)]
    public string? Department { get; init; }

    [StringLength(32)]
    public string? Phone { get; init; }

    [StringLength(32)]
    public string? Mobile { get; init; }

    [StringLength(254), EmailAddress]
    public string? Email { get; init; }

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

public sealed record CreateContact : ContactFields
{
    /// <summary>Left out (not written as null) when not given, so the contact's owner defaults to its customer's.</summary>
    [StringLength(26), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? OwnerId { get; init; }

    public JsonObject? CustomFields { get; init; }
}

public sealed record ContactChanges : ContactFields
{
    public string? OwnerId { get; init; }

    public JsonObject CustomFields { get; init; } = [];
}
