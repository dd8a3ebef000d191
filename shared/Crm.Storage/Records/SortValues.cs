using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Crm.Domain.Common;

namespace Crm.Storage.Records;

/// <summary>
/// A custom field's value as a row-key part whose ordinal order is the value's order (ADR 0002, <c>i~s~</c> rows).
/// Every kind is encoded in lower-case hex digits only, so the key needs no escaping and the descending form is
/// the same digits complemented (<c>f - d</c>), which reverses the order digit by digit. A value ends with a
/// character below every digit ascending (<c>!</c>) and above every digit descending (<c>g</c>), so a text that
/// is the start of another sorts first ascending and last descending. No value is <c>z</c> in both directions:
/// after every value, either way.
/// </summary>
internal static class SortValues
{
    /// <summary>Text compares on its first 64 characters (normalised); longer values that share them tie, then go by id.</summary>
    public const int MaxTextChars = 64;

    public const string Missing = "z";
    private const char AscendingEnd = '!';
    private const char DescendingEnd = 'g';
    private const string Digits = "0123456789abcdef";

    /// <summary>decimal holds at most 29 integer digits and 28 decimal places; fixed widths make digit order number order.</summary>
    private const int IntegerDigits = 29;
    private const int FractionDigits = 28;

    /// <summary>The ascending key part of a value.</summary>
    public static string Ascending(SortValueKind kind, JsonNode? value) => Encode(kind, value) is { } e ? e + AscendingEnd : Missing;

    /// <summary>The descending key part of a value: ordinal order is the reverse of <see cref="Ascending"/>, but no value still comes last.</summary>
    public static string Descending(SortValueKind kind, JsonNode? value) => Encode(kind, value) is { } e ? Complement(e) + DescendingEnd : Missing;

    /// <summary>The value as hex digits, or null when there is none or it does not read as <paramref name="kind"/>.</summary>
    public static string? Encode(SortValueKind kind, JsonNode? value)
    {
        if (value is not JsonValue v)
        {
            return null;
        }
        var text = v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;
        return kind switch
        {
            SortValueKind.Number => ReadDecimal(v, text) is { } number ? Number(number) : null,
            SortValueKind.Date => text is not null && DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)
                ? Ticks(date.ToDateTime(TimeOnly.MinValue).Ticks) : null,
            SortValueKind.Instant => text is not null && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time)
                ? Ticks(time.UtcTicks) : null,
            SortValueKind.Boolean => v.GetValueKind() switch { JsonValueKind.True => "1", JsonValueKind.False => "0", _ => null },
            _ => text is not null ? Text(text) : null,
        };
    }

    /// <summary>
    /// A sign digit (0 negative, 1 otherwise), then the magnitude as 29 integer and 28 decimal digits; a negative
    /// magnitude's digits are nine's-complemented so that a larger magnitude sorts first.
    /// </summary>
    public static string Number(decimal value)
    {
        var magnitude = Math.Abs(value).ToString(CultureInfo.InvariantCulture).Split('.');
        var digits = magnitude[0].PadLeft(IntegerDigits, '0') + (magnitude.Length > 1 ? magnitude[1] : "").PadRight(FractionDigits, '0');
        return value < 0 ? "0" + new string([.. digits.Select(d => (char)('9' - d + '0'))]) : "1" + digits;
    }

    /// <summary>Each UTF-16 unit of the normalised text as four hex digits: unit order, as the name sort compares.</summary>
    public static string? Text(string value)
    {
        var normalized = TextNormalizer.Normalize(value);
        if (normalized.Length == 0)
        {
            return null;
        }
        var builder = new StringBuilder(Math.Min(normalized.Length, MaxTextChars) * 4);
        foreach (var unit in normalized.AsSpan(0, Math.Min(normalized.Length, MaxTextChars)))
        {
            builder.Append(((int)unit).ToString("x4", CultureInfo.InvariantCulture));
        }
        return builder.ToString();
    }

    private static string Ticks(long ticks) => ticks.ToString("D19", CultureInfo.InvariantCulture);

    private static decimal? ReadDecimal(JsonValue value, string? text) =>
        value.GetValueKind() == JsonValueKind.Number && value.TryGetValue<decimal>(out var number) ? number
        : text is not null && decimal.TryParse(text, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out number) ? number
        : null;

    private static string Complement(string encoded) =>
        string.Create(encoded.Length, encoded, (span, source) =>
        {
            for (var i = 0; i < source.Length; i++)
            {
                span[i] = Digits[15 - Digits.IndexOf(source[i], StringComparison.Ordinal)];
            }
        });
}
