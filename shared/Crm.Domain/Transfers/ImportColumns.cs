using Crm.Domain.Common;

namespace Crm.Domain.Transfers;

/// <summary>How a cell's text becomes a JSON value.</summary>
public enum CellKind
{
    Text, Number, Boolean,

    /// <summary>A list of strings: <c>a; b</c>, or a JSON array as an export writes it.</summary>
    List,

    /// <summary>An object or a list of objects, written as JSON (an export's <c>address</c> column).</summary>
    Json,
}

/// <summary>A column of an import file and the field it fills: <c>name</c>, <c>address.city</c>, <c>customFields.region</c>.</summary>
public sealed record ImportColumn(int Index, string Header, string Path, CellKind Kind);

/// <summary>
/// Matches header names to a record type's fields: its JSON field names (nested ones dotted), custom fields as
/// <c>customFields.key</c> or by their label, all ignoring case and surrounding spaces. Read-only fields of the
/// record (id, createdAt...) are ignored so an export can be imported back; anything else is refused.
/// </summary>
public static class ImportColumns
{
    public const string CustomFieldsPrefix = "customFields.";

    public sealed record CustomColumn(string Key, string Label, CellKind Kind);

    public sealed record Mapping(IReadOnlyList<ImportColumn> Columns, IReadOnlyList<string> Ignored);

    public static Mapping Map(IReadOnlyList<string> header, IReadOnlyDictionary<string, CellKind> writable, IReadOnlySet<string> readOnly,
        IReadOnlyList<CustomColumn> customFields, string? keyColumn)
    {
        if (header.Count == 0 || header.All(string.IsNullOrWhiteSpace))
        {
            throw new ValidationException("file", "The file has no header row: the first row names the columns.", "import.header_required");
        }
        var fields = new Dictionary<string, (string Path, CellKind Kind)>(StringComparer.OrdinalIgnoreCase);
        foreach (var (path, kind) in writable)
        {
            fields[path] = (path, kind);
        }
        foreach (var custom in customFields)
        {
            fields.TryAdd(custom.Label.Trim(), (CustomFieldsPrefix + custom.Key, custom.Kind));
            fields[CustomFieldsPrefix + custom.Key] = (CustomFieldsPrefix + custom.Key, custom.Kind);
        }
        var columns = new List<ImportColumn>();
        var ignored = new List<string>();
        var unknown = new List<string>();
        for (var i = 0; i < header.Count; i++)
        {
            var name = header[i].Trim();
            if (keyColumn is not null && string.Equals(name, keyColumn, StringComparison.OrdinalIgnoreCase) && !fields.ContainsKey(name))
            {
                columns.Add(new ImportColumn(i, name, keyColumn, CellKind.Text)); // the key (id) finds the record; it is not written
            }
            else if (fields.TryGetValue(name, out var field))
            {
                columns.Add(new ImportColumn(i, name, field.Path, field.Kind));
            }
            else if (readOnly.Contains(name))
            {
                ignored.Add(name);
            }
            else
            {
                unknown.Add(name.Length == 0 ? $"(column {i + 1} has no name)" : name);
            }
        }
        if (unknown.Count > 0)
        {
            throw new ValidationException(new Dictionary<string, string[]> { ["columns"] = [.. unknown.Select(u => $"Unknown column '{u}'.")] },
                "import.unknown_columns");
        }
        var repeated = columns.GroupBy(c => c.Path, StringComparer.Ordinal).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        if (repeated.Count > 0)
        {
            throw new ValidationException("columns", $"More than one column fills {string.Join(", ", repeated)}.", "import.duplicate_columns");
        }
        if (keyColumn is not null && columns.All(c => c.Path != keyColumn))
        {
            throw new ValidationException("keyField", $"The file has no '{keyColumn}' column to match records by.", "import.key_column_missing");
        }
        return new Mapping(columns, ignored);
    }
}
