using System.ComponentModel.DataAnnotations;
using Crm.Domain.Common;
using Crm.Domain.Querying;
using Crm.Storage.Records;

namespace Crm.Platform.SavedViews;

public sealed class SavedViewRecordType : RecordType<SavedView>
{
    public const string DuplicateName = "savedView.duplicate_name";

    public override string Name => "savedView";
    public override string Table => "savedviews";
    public override string Collection => "saved-views";
    public override string DisplayName(SavedView record) => record.Name;

    /// <summary>An author names each of their views of one record type differently; colleagues may reuse the name.</summary>
    public override IEnumerable<UniqueKey> UniqueKeys(SavedView record) =>
        [new UniqueKey("name", $"{record.CreatedBy}~{record.EntityType}~{TextNormalizer.Normalize(record.Name)}", DuplicateName,
            $"You already have a view of {record.EntityType} named '{record.Name}'.")];

    public override IReadOnlyList<string> IndexedFields => ["entityType"];

    public override IReadOnlySet<string> FilterableFields { get; } =
        new HashSet<string>(["name", "entityType", "shared", "createdBy", "createdAt", "updatedAt"]);
}

public abstract record SavedViewFields
{
    public const int MaxColumns = 50;

    [Required, StringLength(100, MinimumLength = 1)]
    public string Name { get; init; } = "";

    [Required, StringLength(50)]
    public string EntityType { get; init; } = "";

    [MaxLength(20)]
    public IReadOnlyList<FilterGroup>? FilterGroups { get; init; }

    public IReadOnlyList<SortOrder>? Sort { get; init; }

    [MaxLength(MaxColumns)]
    public IReadOnlyList<string>? Columns { get; init; }

    public bool Shared { get; init; }
}

public sealed record CreateSavedView : SavedViewFields;

public sealed record SavedViewChanges : SavedViewFields
{
    public static SavedViewChanges From(SavedView view) => new()
    {
        Name = view.Name,
        EntityType = view.EntityType,
        FilterGroups = view.FilterGroups,
        Sort = view.Sort,
        Columns = view.Columns,
        Shared = view.Shared,
    };
}
