using System.ComponentModel.DataAnnotations;
using Crm.Domain.Configuration;

namespace Crm.Platform.CustomFields;

/// <summary>What a client sets on a custom field, on create and by a merge patch alike.</summary>
public abstract record CustomFieldSettings
{
    [Required, StringLength(100, MinimumLength = 1)]
    public string Label { get; init; } = "";

    [Required]
    public CustomFieldType? Type { get; init; }

    public bool Required { get; init; }

    public int? MaxLength { get; init; }

    /// <summary>A picklist's choices; or name a data dictionary in <see cref="Dictionary"/>.</summary>
    [MaxLength(CustomFieldRules.MaxOptions)]
    public IReadOnlyList<string>? Options { get; init; }

    [StringLength(64)]
    public string? Dictionary { get; init; }

    public bool Active { get; init; } = true;

    [Range(0, 1_000_000)]
    public int SortOrder { get; init; }

    /// <summary>Lists and searches may sort by it; existing records are indexed in the background (<c>sortIndex</c>).</summary>
    public bool Sortable { get; init; }
}

public sealed record CreateCustomField : CustomFieldSettings
{
    /// <summary>camelCase; the value lives at <c>customFields.{key}</c> of each record.</summary>
    [Required, StringLength(64, MinimumLength = 1)]
    public string Key { get; init; } = "";
}

/// <summary>The editable view a merge patch applies to; the key is the field's identity and stays.</summary>
public sealed record CustomFieldChanges : CustomFieldSettings;
