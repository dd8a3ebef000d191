using Crm.Domain.Common;

namespace Crm.Domain.Querying;

/// <summary>
/// A named search of one record type (PRODUCT.md "saved views"): its filter groups, sort and columns. It
/// belongs to its author (<see cref="RecordBase.CreatedBy"/>) and, when <see cref="Shared"/>, every colleague
/// may use it. A view stores a question, never an answer: running it is an ordinary search, in the runner's scope.
/// </summary>
public sealed record SavedView : RecordBase
{
    public string Name { get; init; } = "";

    /// <summary>The record type's module, as in permissions and custom fields: "customers".</summary>
    public string EntityType { get; init; } = "";
    public IReadOnlyList<FilterGroup> FilterGroups { get; init; } = [];
    public IReadOnlyList<SortOrder> Sort { get; init; } = [];
    public IReadOnlyList<string> Columns { get; init; } = [];
    public bool Shared { get; init; }
}
