using Crm.Domain.Common;
using Crm.Storage.Records;

namespace Crm.UnitTests.Records;

/// <summary>A small owned record for exercising the engine without any feature's rules.</summary>
public sealed record Widget : OwnedRecord
{
    public string Name { get; init; } = "";
    public string Status { get; init; } = "open";
    public decimal Amount { get; init; }
    public string? Email { get; init; }
}

/// <summary>Widget names are unique in a tenant; status and owner are indexed; name and e-mail are searchable.</summary>
public sealed class WidgetType : RecordType<Widget>
{
    public const string NameKey = "name";
    public const string DuplicateName = "widget.duplicate_name";

    public override string Name => "widget";
    public override string Table => "widgets";
    public override string DisplayName(Widget record) => record.Name;

    public override IEnumerable<UniqueKey> UniqueKeys(Widget record) =>
        [new UniqueKey(NameKey, TextNormalizer.Normalize(record.Name), DuplicateName, $"A widget named '{record.Name}' already exists.")];

    public override IReadOnlyList<string> IndexedFields => ["ownerId", "status"];

    /// <summary>An archived widget is read by id only, like a converted lead.</summary>
    public override bool IsListed(Widget record) => record.Status != "archived";

    public override IEnumerable<SearchTerm> SearchTerms(Widget record) => [new("name", record.Name), new("email", record.Email)];

    public override IReadOnlySet<string> FilterableFields { get; } =
        new HashSet<string>(["name", "ownerId", "status", "amount", "email", "createdAt", "updatedAt"]);
}

/// <summary>A second record type in its own table, for what spans types (recycle bin, audit log, outbox).</summary>
public sealed record Gadget : RecordBase
{
    public string Label { get; init; } = "";
}

public sealed class GadgetType : RecordType<Gadget>
{
    public override string Name => "gadget";
    public override string Table => "gadgets";
    public override string DisplayName(Gadget record) => record.Label;
    public override IReadOnlySet<string> FilterableFields { get; } = new HashSet<string>(["label"]);
}

/// <summary>
/// A record found by many search terms: enough index rows for scan-budget and transaction-size
/// tests from few writes. It cannot be deleted, like users.
/// </summary>
public sealed record Tagged : RecordBase
{
    public string Name { get; init; } = "";
    public IReadOnlyList<string> Tags { get; init; } = [];
}

public sealed class TaggedType : RecordType<Tagged>
{
    public override string Name => "tagged";
    public override string Table => "tagged";
    public override bool CanDelete => false;
    public override string DisplayName(Tagged record) => record.Name;
    public override IEnumerable<SearchTerm> SearchTerms(Tagged record) => record.Tags.Select(t => new SearchTerm("tags", t));
    public override IReadOnlySet<string> FilterableFields { get; } = new HashSet<string>(["name"]);
}
