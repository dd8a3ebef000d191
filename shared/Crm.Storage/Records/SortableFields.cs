namespace Crm.Storage.Records;

/// <summary>How a sortable value is compared: its encoding in a sort row key (<see cref="SortValues"/>).</summary>
public enum SortValueKind
{
    /// <summary>Normalised like names (case, width and spaces ignored), compared on its first characters.</summary>
    Text,

    /// <summary>A decimal, negative ones first.</summary>
    Number,

    /// <summary>A calendar date, <c>YYYY-MM-DD</c>.</summary>
    Date,

    /// <summary>A point in time, compared in UTC.</summary>
    Instant,

    /// <summary>False before true.</summary>
    Boolean,
}

/// <summary>
/// A value under <c>customFields.{Key}</c> that records of a type are sorted by. While <see cref="Ready"/> is
/// false its rows are written by every write but may be incomplete (a backfill is running), so lists refuse it.
/// </summary>
public sealed record SortableField(string Key, SortValueKind Kind, bool Ready);

/// <summary>
/// Which custom fields a tenant sorts a record type by. The tenant decides and changes it over time, so the
/// engine asks on every write instead of deriving it from the record (the feature that owns the definitions
/// implements it; without one, nothing is sortable).
/// </summary>
public interface ISortableFieldSource
{
    Task<IReadOnlyList<SortableField>> ForTypeAsync(string tenantId, string table, CancellationToken cancellationToken);
}

internal sealed class NoSortableFields : ISortableFieldSource
{
    public static readonly NoSortableFields Instance = new();

    public Task<IReadOnlyList<SortableField>> ForTypeAsync(string tenantId, string table, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<SortableField>>([]);
}
