using Crm.Domain.Common;
using Crm.Domain.Sales;
using Crm.Storage.Records;

namespace Crm.Sales.Contacts;

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
