using System.ComponentModel.DataAnnotations;
using Crm.Domain.Collaboration;
using Crm.Domain.Common;
using Crm.Platform.Access;
using Crm.Platform.Records;
using Crm.Storage.Records;

namespace Crm.Collaboration.Tags;

public sealed record TagFields : ModuleFields
{
    [Required, NotBlank, StringLength(50, MinimumLength = 1)]
    public string Name { get; init; } = "";

    [RegularExpression("^#[0-9A-Fa-f]{6}$", ErrorMessage = "A colour is #RRGGBB.")]
    public string? Color { get; init; }
}

internal sealed class TagRecordType : RecordType<Tag>
{
    public override string Name => "tag";
    public override string Table => "tags";
    public override string DisplayName(Tag record) => record.Name;

    /// <summary>Names are unique in the tenant as the list shows them: case, width and spaces folded.</summary>
    public override IEnumerable<UniqueKey> UniqueKeys(Tag record) =>
        [new("name", TextNormalizer.Normalize(record.Name), "tag.duplicate_name", $"A tag named '{record.Name}' exists.")];

    public override IReadOnlySet<string> FilterableFields { get; } = new HashSet<string>(["name", "color", "createdAt", "updatedAt"]);
}

/// <summary>One row per tag and record: the tag's records are one index range, a record's tags another.</summary>
internal sealed class TaggingRecordType : RecordType<Tagging>
{
    public override string Name => "tagging";
    public override string Table => "taggings";
    public override string DisplayName(Tagging record) => $"{record.RecordType} {record.RecordId}";
    public override IReadOnlyList<string> IndexedFields => ["tagId", "recordId"];

    public override IEnumerable<UniqueKey> UniqueKeys(Tagging record) =>
        [new("target", $"{record.TagId}~{record.RecordType}~{record.RecordId}", "tag.already_on_record", "The record has this tag.")];

    public override IEnumerable<SearchTerm> SearchTerms(Tagging record) => [];
    public override IReadOnlySet<string> FilterableFields { get; } = new HashSet<string>(["tagId", "recordType", "recordId", "createdAt"]);
}

/// <summary>The tag list's rules are its fields' and its unique name's.</summary>
internal sealed class TagService(RecordStore<Tag> store, OwnedAccess access, TimeProvider clock) : RecordService<Tag, TagFields>(store, access, clock);
