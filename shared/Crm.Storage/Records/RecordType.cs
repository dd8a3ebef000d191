using Crm.Domain.Common;

namespace Crm.Storage.Records;

/// <summary>
/// A value that must be unique in the tenant (e.g. a department name under one parent). Stored as a
/// key row in the record's partition, so the check and the write are one atomic transaction.
/// </summary>
public sealed record UniqueKey(string Name, string Value, string ConflictCode, string Message);

/// <summary>
/// A prefix-search term and the field it comes from: a caller from whom that field is hidden or masked
/// must not find the record by it (<see cref="ListQuery.UnsearchableFields"/>).
/// </summary>
public readonly record struct SearchTerm(string Field, string? Text);

/// <summary>
/// Declares how one record type is stored: its table, the values it must keep unique, the fields
/// that get an index for equality filters, and the terms its prefix search finds it by.
/// The engine builds every index row from this, so a record type is a page of declarations.
/// </summary>
public abstract class RecordType<T> where T : RecordBase
{
    /// <summary>Singular, as in <c>relatedType</c>: "department".</summary>
    public abstract string Name { get; }

    /// <summary>Plural table name: "departments".</summary>
    public abstract string Table { get; }

    /// <summary>The plural as the record's URLs spell it ("ip-rules"); the recycle bin accepts it beside <see cref="Name"/>.</summary>
    public virtual string Collection => Table;

    /// <summary>What the recycle bin, audit log and name sort show.</summary>
    public abstract string DisplayName(T record);

    /// <summary>False for records that are never deleted (users are disabled instead).</summary>
    public virtual bool CanDelete => true;

    public virtual IEnumerable<UniqueKey> UniqueKeys(T record) => [];

    /// <summary>
    /// False for a record that stays readable by id but leaves every list, search and export (a converted
    /// lead): it keeps its record row and unique keys, and gets no list, filter or search-term rows.
    /// </summary>
    public virtual bool IsListed(T record) => true;

    /// <summary>Top-level fields whose equality filters an index range answers rather than a scan.</summary>
    public virtual IReadOnlyList<string> IndexedFields => [];

    /// <summary>
    /// Values of fields holding several (e.g. the user ids of a team): the record gets an index row
    /// under each value, <c>i~f~{field}~{value}~</c>, newest change first like single-valued indexes.
    /// </summary>
    public virtual IEnumerable<KeyValuePair<string, string>> MultiValuedIndex(T record) => [];

    /// <summary>Prefix-search terms (normalised by the engine), each with the field it comes from: name, phone, e-mail.</summary>
    public virtual IEnumerable<SearchTerm> SearchTerms(T record) => [new("name", DisplayName(record))];

    /// <summary>Fields a search or a simple filter may name; others answer 400.</summary>
    public abstract IReadOnlySet<string> FilterableFields { get; }
}
