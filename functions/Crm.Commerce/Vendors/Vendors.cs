using System.ComponentModel.DataAnnotations;
using ValidationException = Crm.Domain.Common.ValidationException;
using Crm.Domain.Common;
using Crm.Domain.Commerce;
using Crm.Platform.Access;
using Crm.Platform.Records;
using Crm.Platform.Web;
using Crm.Storage.Records;

namespace Crm.Commerce.Vendors;

/// <summary>A vendor's create body and the view a merge patch applies to.</summary>
public sealed record VendorFields : ModuleFields
{
    /// <summary>Unique in the tenant, compared without case or width.</summary>
    [Required, NotBlank, StringLength(200, MinimumLength = 1)]
    public string Name { get; init; } = "";

    [StringLength(50)]
    public string? Category { get; init; }

    [StringLength(PersonFieldLengths.Phone), FoldWidth]
    public string? Phone { get; init; }

    [StringLength(PersonFieldLengths.Email), EmailAddress]
    public string? Email { get; init; }

    [StringLength(200), FoldWidth]
    public string? Website { get; init; }

    [StringLength(500)]
    public string? Address { get; init; }

    public IReadOnlyList<VendorContact>? Contacts { get; init; }

    [StringLength(4000)]
    public string? Description { get; init; }
}

internal sealed class VendorRecordType : RecordType<Vendor>
{
    public override string Name => "vendor";
    public override string Table => "vendors";
    public override string DisplayName(Vendor record) => record.Name;

    public override IEnumerable<UniqueKey> UniqueKeys(Vendor record) =>
        [new("name", TextNormalizer.Normalize(record.Name), "vendor.duplicate_name", $"A vendor named '{record.Name}' already exists.")];

    public override IReadOnlyList<string> IndexedFields => ["category"];

    public override IEnumerable<SearchTerm> SearchTerms(Vendor record) =>
        [new("name", record.Name), new("phone", TextNormalizer.Digits(record.Phone)), new("email", record.Email)];

    public override IReadOnlySet<string> FilterableFields { get; } = new HashSet<string>([
        "name", "category", "phone", "email", "createdAt", "createdBy", "updatedAt", "updatedBy"]);
}

/// <summary>A vendor has no rules beyond its fields (a unique name), except that one still supplying products or named by purchase orders stays.</summary>
internal sealed class VendorService(RecordStore<Vendor> store, RecordStore<Product> products, RecordStore<PurchaseOrder> orders, OwnedAccess access, TimeProvider clock)
    : RecordService<Vendor, VendorFields>(store, access, clock)
{
    public const int MaxContacts = CatalogueRules.MaxVendorContacts;

    protected override ValueTask<Vendor> CreatingAsync(Caller caller, VendorFields input, Vendor record, DateTimeOffset now, CancellationToken cancellationToken)
    {
        Check(record);
        return ValueTask.FromResult(record);
    }

    protected override ValueTask<Vendor> UpdatingAsync(Caller caller, Vendor current, VendorFields changes, Vendor updated, CancellationToken cancellationToken)
    {
        Check(updated);
        return ValueTask.FromResult(updated);
    }

    protected override async Task DeletingAsync(Caller caller, string id, CancellationToken cancellationToken)
    {
        if (await products.AnyWithFieldAsync(caller.TenantId, "vendorId", id, cancellationToken))
        {
            throw new ConflictException("vendor.has_products", "Products still name this vendor; give them another vendor first.");
        }
        if (await orders.AnyWithFieldAsync(caller.TenantId, "vendorId", id, cancellationToken))
        {
            throw new ConflictException("vendor.has_purchase_orders", "Purchase orders are addressed to this vendor; it stays while they do.");
        }
    }

    private static void Check(Vendor vendor)
    {
        if (vendor.Contacts.Count > MaxContacts)
        {
            throw new ValidationException("contacts", $"At most {MaxContacts} contacts.");
        }
    }
}
