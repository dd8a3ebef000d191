using System.ComponentModel.DataAnnotations;
using System.Text.Json.Nodes;
using Crm.Domain.Common;
using Crm.Domain.Sales;
using Crm.Storage.Records;

namespace Crm.Functions.Customers;

internal sealed class CustomerRecordType : RecordType<Customer>
{
    public const string DuplicateName = "customer.duplicate_name";

    public override string Name => "customer";
    public override string Table => "customers";
    public override string DisplayName(Customer record) => record.Name;

    /// <summary>One customer per name in the tenant, whatever the case, width or spacing (PRODUCT.md section 2).</summary>
    public override IEnumerable<UniqueKey> UniqueKeys(Customer record) =>
        [new UniqueKey("name", CustomerRules.NameKey(record.Name), DuplicateName, $"A customer named '{record.Name}' already exists.")];

    /// <summary>The usual list filters ("my A-level customers from exhibitions"); ownerId is indexed for every owned type.</summary>
    public override IReadOnlyList<string> IndexedFields => ["level", "source", "industry"];

    public override IEnumerable<SearchTerm> SearchTerms(Customer record) =>
        [new("name", record.Name), new("shortName", record.ShortName), new("phone", TextNormalizer.Digits(record.Phone)), new("email", record.Email)];

    public override IReadOnlySet<string> FilterableFields { get; } = new HashSet<string>([
        "name", "shortName", "kind", "source", "level", "industry", "phone", "email", "website", "tags",
        "address.country", "address.province", "address.city", "address.district", "address.postcode",
        "ownerId", "lastFollowUpAt", "lockedAt", "createdAt", "createdBy", "updatedAt", "updatedBy"]);
}

/// <summary>
/// The fields a client writes. Source, level, industry and kind are top-level strings so that a
/// dictionary check can be declared on each of them by name.
/// </summary>
public abstract record CustomerFields
{
    [Required, StringLength(200, MinimumLength = 1)]
    public string Name { get; init; } = "";

    [StringLength(100)]
    public string? ShortName { get; init; }

    [StringLength(50)]
    public string? Kind { get; init; }

    [StringLength(50)]
    public string? Source { get; init; }

    [StringLength(50)]
    public string? Level { get; init; }

    [StringLength(50)]
    public string? Industry { get; init; }

    [StringLength(32)]
    public string? Phone { get; init; }

    [StringLength(254), EmailAddress]
    public string? Email { get; init; }

    [StringLength(500)]
    public string? Website { get; init; }

    public AddressInput? Address { get; init; }

    [MaxLength(20)]
    public IReadOnlyList<string>? Tags { get; init; }

    [StringLength(4000)]
    public string? Description { get; init; }
}

public sealed record AddressInput
{
    [StringLength(100)] public string? Country { get; init; }
    [StringLength(100)] public string? Province { get; init; }
    [StringLength(100)] public string? City { get; init; }
    [StringLength(100)] public string? District { get; init; }
    [StringLength(300)] public string? Street { get; init; }
    [StringLength(20)] public string? Postcode { get; init; }

    public Address ToAddress() => new() { Country = Country, Province = Province, City = City, District = District, Street = Street, Postcode = Postcode };

    public static AddressInput? From(Address? a) => a is null ? null
        : new() { Country = a.Country, Province = a.Province, City = a.City, District = a.District, Street = a.Street, Postcode = a.Postcode };
}

public sealed record CreateCustomer : CustomerFields
{
    [StringLength(26)]
    public string? OwnerId { get; init; }

    public JsonObject? CustomFields { get; init; }
}

/// <summary>The editable view a merge patch applies to; lock, owner and follow-up fields have their own actions.</summary>
public sealed record CustomerChanges : CustomerFields
{
    public string? OwnerId { get; init; }

    public JsonObject CustomFields { get; init; } = [];
}
