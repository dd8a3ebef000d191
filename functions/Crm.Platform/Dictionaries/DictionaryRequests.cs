using System.ComponentModel.DataAnnotations;

namespace Crm.Platform.Dictionaries;

public sealed record CreateDictionaryItem
{
    /// <summary>The stable code records store: a letter, then letters, digits, dashes or underscores. It never changes.</summary>
    [Required, StringLength(64, MinimumLength = 1)]
    public string Value { get; init; } = "";

    [Required, StringLength(100, MinimumLength = 1)]
    public string Label { get; init; } = "";

    /// <summary>Position in pickers, lowest first; defaults to after the last item.</summary>
    [Range(0, 1_000_000)]
    public int? SortOrder { get; init; }

    public bool Active { get; init; } = true;
}

/// <summary>The editable view a merge patch applies to: the value is the item's identity and stays.</summary>
public sealed record DictionaryItemChanges
{
    [Required, StringLength(100, MinimumLength = 1)]
    public string Label { get; init; } = "";

    [Range(0, 1_000_000)]
    public int SortOrder { get; init; }

    public bool Active { get; init; }
}

/// <summary>A dictionary as <c>GET /api/v1/dictionaries</c> lists it.</summary>
public sealed record DictionarySummary(string Name, string Title, int ActiveItems, int RetiredItems);
