using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Crm.Domain.Common;

namespace Crm.Domain.Transfers;

/// <summary>
/// Turns one row's cells into the JSON body the API would have received. An empty cell is left out: on a
/// create the field keeps its default, on an update it keeps its value (a file cannot clear a field).
/// </summary>
public static class ImportRows
{
    public static JsonObject ToBody(IReadOnlyList<ImportColumn> columns, IReadOnlyList<string> cells)
    {
        var body = new JsonObject();
        var errors = new Dictionary<string, string[]>();
        foreach (var column in columns)
        {
            var text = column.Index < cells.Count ? cells[column.Index].Trim() : "";
            if (text.Length == 0)
            {
                continue;
            }
            if (Convert(column.Kind, text) is { } value)
            {
                Set(body, column.Path, value);
            }
            else
            {
                errors[column.Path] = [$"'{text}' is not {Expected(column.Kind)}."];
            }
        }
        return errors.Count > 0 ? throw new ValidationException(errors, "import.invalid_value") : body;
    }

    /// <summary>The text of the key column, the value records are matched by.</summary>
    public static string? Key(IReadOnlyList<ImportColumn> columns, IReadOnlyList<string> cells, string keyField) =>
        columns.FirstOrDefault(c => c.Path == keyField) is { } key && key.Index < cells.Count && cells[key.Index].Trim() is { Length: > 0 } text ? text : null;

    private static JsonNode? Convert(CellKind kind, string text) => kind switch
    {
        CellKind.Number => decimal.TryParse(text, NumberStyles.Number & ~NumberStyles.AllowThousands, CultureInfo.InvariantCulture, out var number)
            ? JsonValue.Create(number) : null,
        CellKind.Boolean => text.ToUpperInvariant() switch
        {
            "TRUE" or "YES" or "Y" or "1" or "是" => JsonValue.Create(true),
            "FALSE" or "NO" or "N" or "0" or "否" => JsonValue.Create(false),
            _ => null,
        },
        CellKind.List => text.StartsWith('[') ? ParseJson(text) as JsonArray
            : new JsonArray([.. text.Split([';', '；'], StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Select(t => JsonValue.Create(t))]),
        CellKind.Json => ParseJson(text) is JsonObject or JsonArray ? ParseJson(text) : null,
        _ => JsonValue.Create(text),
    };

    private static JsonNode? ParseJson(string text)
    {
        try
        {
            return JsonNode.Parse(text);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string Expected(CellKind kind) => kind switch
    {
        CellKind.Number => "a number (like 1234.5)",
        CellKind.Boolean => "true or false",
        CellKind.List => "a list (values separated by ';')",
        _ => "JSON",
    };

    private static void Set(JsonObject body, string path, JsonNode value)
    {
        var dot = path.IndexOf('.', StringComparison.Ordinal);
        if (dot < 0)
        {
            body[path] = value;
            return;
        }
        var head = path[..dot];
        if (body[head] is not JsonObject inner)
        {
            inner = [];
            body[head] = inner;
        }
        Set(inner, path[(dot + 1)..], value);
    }
}
