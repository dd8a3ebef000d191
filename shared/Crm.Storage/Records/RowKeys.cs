using System.Globalization;
using System.Text;

namespace Crm.Storage.Records;

/// <summary>
/// The row-key grammar of a record type's partition (ADR 0002). Every part is escaped so that no
/// key holds the characters Azure forbids (<c>/ \ # ?</c>, control characters) or our separator.
/// </summary>
internal static class RowKeys
{
    /// <summary>Longest escaped value used in a key; Azure allows 1 KiB for the whole key.</summary>
    private const int MaxValueLength = 240;

    public static string Record(string id) => "r~" + id;

    public const string RecordPrefix = "r~";

    public static string ByUpdated(DateTimeOffset updatedAt, string id) => $"i~m~{Inverted(updatedAt)}~{id}";

    public static string ByCreatedDesc(DateTimeOffset createdAt, string id) => $"i~c~{Inverted(createdAt)}~{id}";

    /// <summary>
    /// A space, not the separator, ends the name: "~" sorts after every character a name can hold,
    /// so "acme~" would come after "acmetrading~". Normalised names hold no white space and escaped
    /// ones no control characters, so nothing sorts below the space and "Acme" precedes "Acme Trading".
    /// </summary>
    public static string ByName(string normalizedName, string id) => $"i~n~{Escape(normalizedName)} {id}";

    public static string ByField(string field, string? value, DateTimeOffset updatedAt, string id) =>
        $"{FieldPrefix(field, value)}{Inverted(updatedAt)}~{id}";

    public static string FieldPrefix(string field, string? value) => $"i~f~{field}~{Escape(value ?? "")}~";

    public static string SearchTerm(string term, string id) => $"i~q~{Escape(term)}~{id}";

    public static string SearchPrefix(string term) => "i~q~" + Escape(term);

    /// <summary>
    /// A custom field's sort row: <paramref name="value"/> is already a key part (<see cref="SortValues"/>), ascending
    /// or descending; records with equal values follow by id in both directions.
    /// </summary>
    public static string Sorted(string field, bool descending, string value, string id) => $"{SortPrefix(field, descending)}{value}~{id}";

    public static string SortPrefix(string field, bool descending) => $"{SortRowPrefix}{Escape(field)}~{(descending ? "d" : "a")}~";

    public const string SortRowPrefix = "i~s~";

    public static string Unique(string name, string value) => $"k~{name}~{Escape(value)}";

    public static string RecycleBin(DateTimeOffset deletedAt, string id) => $"b~{Inverted(deletedAt)}~{id}";

    public static string Audit(DateTimeOffset at, string auditId) => $"{AuditPrefix}{Inverted(at)}~{auditId}";

    public const string AuditPrefix = "a~";

    public static string History(string recordId, DateTimeOffset at, string auditId) => $"h~{recordId}~{Inverted(at)}~{auditId}";

    /// <summary>A create's idempotency mark (<see cref="WriteMark"/>), holding the created record's id.</summary>
    public static string Mark(string key) => MarkPrefix + Escape(key);

    public const string MarkPrefix = "w~";

    /// <summary>A document series' counter (<c>RecordStore.CreateNumberedAsync</c>): the last number taken in it.</summary>
    public static string Sequence(string series) => "n~" + Escape(series);

    public static string Outbox(string eventId) => "o~" + eventId;

    /// <summary>Newest first in an ascending key scan: ticks counted down from the maximum.</summary>
    public static string Inverted(DateTimeOffset t) =>
        (DateTime.MaxValue.Ticks - t.UtcTicks).ToString("D19", CultureInfo.InvariantCulture);

    /// <summary>The first key after every key that starts with <paramref name="prefix"/>.</summary>
    public static string PrefixEnd(string prefix) => prefix[..^1] + (char)(prefix[^1] + 1);

    public static string Escape(string value)
    {
        var builder = new StringBuilder(Math.Min(value.Length, MaxValueLength));
        foreach (var c in value)
        {
            if (builder.Length >= MaxValueLength)
            {
                break;
            }
            if (c is '/' or '\\' or '#' or '?' or '~' or '%' || char.IsControl(c))
            {
                builder.Append('%').Append(((int)c).ToString("X2", CultureInfo.InvariantCulture));
            }
            else
            {
                builder.Append(c);
            }
        }
        return builder.ToString();
    }
}
