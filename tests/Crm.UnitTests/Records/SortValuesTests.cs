using System.Globalization;
using System.Text.Json.Nodes;
using Crm.Domain.Common;
using Crm.Storage.Records;

namespace Crm.UnitTests.Records;

/// <summary>
/// The custom-field sort keys: over random values of every kind, the ordinal order of the full row keys is the
/// values' order (then the id), reversed for the descending keys, with records without a value last both ways.
/// </summary>
public sealed class SortValuesTests
{
    private const int Samples = 400;

    /// <summary>Row keys built like the engine's, sorted as storage sorts them; the ids in key order.</summary>
    private static List<string> IdsInKeyOrder(SortValueKind kind, IEnumerable<(string Id, JsonNode? Value)> records, bool descending) =>
        [.. records.Select(r => (r.Id, Key: RowKeys.Sorted("f", descending, descending ? SortValues.Descending(kind, r.Value) : SortValues.Ascending(kind, r.Value), r.Id)))
            .OrderBy(r => r.Key, StringComparer.Ordinal).Select(r => r.Id)];

    /// <summary>
    /// What a list sorted by the field must show: values in order (reversed descending), ties by id, no value last.
    /// </summary>
    private static void AssertOrdered<TValue>(SortValueKind kind, IReadOnlyList<(bool Has, TValue Value, JsonNode? Node)> values, IComparer<TValue> compare)
    {
        var records = values.Select((v, i) => (Id: $"id{i:D5}", v.Has, v.Value, v.Node)).ToList();
        foreach (var descending in new[] { false, true })
        {
            var expected = records
                .OrderBy(r => r.Has ? 0 : 1)
                .ThenBy(r => r, Comparer<(string Id, bool Has, TValue Value, JsonNode? Node)>.Create((a, b) =>
                    a.Has && b.Has ? (descending ? -1 : 1) * compare.Compare(a.Value, b.Value) : 0))
                .ThenBy(r => r.Id, StringComparer.Ordinal)
                .Select(r => r.Id).ToList();
            Assert.Equal(expected, IdsInKeyOrder(kind, records.Select(r => (r.Id, r.Node)), descending));
        }
    }

    private static void AssertKeySafe(string key) =>
        Assert.DoesNotContain(key, c => c is '/' or '\\' or '#' or '?' || char.IsControl(c));

    [Fact]
    public void NumbersSortByValueWithNegativesDecimalsAndExtremes()
    {
        var random = new Random(4);
        var values = new List<decimal?> { 0m, -0m, 1m, -1m, 0.5m, -0.5m, 1.50m, 1.5m, decimal.MaxValue, decimal.MinValue, 0.0000000000000000000000000001m, -0.0000000000000000000000000001m, null, null };
        for (var i = 0; i < Samples; i++)
        {
            var magnitude = (decimal)Math.Pow(10, random.Next(-6, 20));
            var value = decimal.Round((decimal)random.NextDouble() * magnitude, random.Next(0, 8)) * (random.Next(2) == 0 ? -1 : 1);
            values.Add(value);
            // Duplicates make ties, which go by id.
            if (i % 17 == 0)
            {
                values.Add(value);
            }
        }
        AssertOrdered(SortValueKind.Number, [.. values.Select(v => (v.HasValue, v.GetValueOrDefault(), v is null ? null : (JsonNode?)JsonValue.Create(v.Value)))], Comparer<decimal>.Default);
    }

    [Fact]
    public void NumbersEncodeTheSameWhateverTheirScaleOrForm()
    {
        Assert.Equal(SortValues.Encode(SortValueKind.Number, JsonValue.Create(1.5m)), SortValues.Encode(SortValueKind.Number, JsonValue.Create(1.500m)));
        Assert.Equal(SortValues.Encode(SortValueKind.Number, JsonValue.Create(12.5m)), SortValues.Encode(SortValueKind.Number, JsonNode.Parse("12.50")));
        // Money may arrive as a string; it compares as its number.
        Assert.Equal(SortValues.Encode(SortValueKind.Number, JsonValue.Create(-3m)), SortValues.Encode(SortValueKind.Number, JsonValue.Create("-3.0")));
        Assert.Equal(SortValues.Encode(SortValueKind.Number, JsonValue.Create(0m)), SortValues.Encode(SortValueKind.Number, JsonValue.Create(-0.00m)));
    }

    [Fact]
    public void TextSortsNormalisedByUtf16UnitsWithUnicodeAndPrefixes()
    {
        var random = new Random(7);
        // Latin of both cases, CJK, full-width letters, an emoji (a surrogate pair) and characters a row key may not hold.
        var alphabet = new[] { "a", "b", "B", "z", "Z", "é", "É", "公", "司", "Ａ", "😀", "/", "#", "?", "\\", "~", "%", "!", "0", "9", " " };
        var values = new List<string?> { "a", "ab", "abc", "b", "B", "Ab", "", "   ", null, null, new string('x', 100), new string('x', 64) + "a", new string('x', 64) + "b" };
        for (var i = 0; i < Samples; i++)
        {
            values.Add(string.Concat(Enumerable.Range(0, random.Next(1, 12)).Select(_ => alphabet[random.Next(alphabet.Length)])));
        }
        // The order a list promises: normalised (case, width and spaces ignored), on the first 64 characters.
        static string? Compared(string? text) =>
            TextNormalizer.Normalize(text) is { Length: > 0 } n ? n[..Math.Min(n.Length, SortValues.MaxTextChars)] : null;
        AssertOrdered(SortValueKind.Text, [.. values.Select(v => (Compared(v) is not null, Compared(v) ?? "", v is null ? null : (JsonNode?)JsonValue.Create(v)))], StringComparer.Ordinal);
        foreach (var value in values.OfType<string>())
        {
            AssertKeySafe(RowKeys.Sorted("f", false, SortValues.Ascending(SortValueKind.Text, JsonValue.Create(value)), "id"));
            AssertKeySafe(RowKeys.Sorted("f", true, SortValues.Descending(SortValueKind.Text, JsonValue.Create(value)), "id"));
        }
    }

    [Fact]
    public void DatesAndTimesSortChronologicallyInUtc()
    {
        var random = new Random(11);
        var dates = new List<DateOnly?> { DateOnly.MinValue, DateOnly.MaxValue, null };
        var times = new List<DateTimeOffset?> { DateTimeOffset.MinValue, DateTimeOffset.MaxValue, null };
        for (var i = 0; i < Samples; i++)
        {
            dates.Add(DateOnly.FromDayNumber(random.Next(DateOnly.MinValue.DayNumber, DateOnly.MaxValue.DayNumber)));
            times.Add(new DateTimeOffset(random.NextInt64(DateTime.MinValue.Ticks + TimeSpan.TicksPerDay, DateTime.MaxValue.Ticks - TimeSpan.TicksPerDay), TimeSpan.Zero)
                .ToOffset(TimeSpan.FromHours(random.Next(-12, 14))));
        }
        AssertOrdered(SortValueKind.Date, [.. dates.Select(d => (d.HasValue, d.GetValueOrDefault(), d is null ? null : (JsonNode?)JsonValue.Create(d.Value.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture))))],
            Comparer<DateOnly>.Default);
        // Stored in UTC, but an offset still compares as the instant it is.
        AssertOrdered(SortValueKind.Instant, [.. times.Select(t => (t.HasValue, t.GetValueOrDefault(), t is null ? null : (JsonNode?)JsonValue.Create(t.Value.ToString("O", CultureInfo.InvariantCulture))))],
            Comparer<DateTimeOffset>.Default);
    }

    [Fact]
    public void BooleansSortFalseFirstAndMissingLast()
    {
        var values = new List<bool?> { true, false, null, false, true, null };
        AssertOrdered(SortValueKind.Boolean, [.. values.Select(b => (b.HasValue, b.GetValueOrDefault(), b is null ? null : (JsonNode?)JsonValue.Create(b.Value)))], Comparer<bool>.Default);
    }

    [Theory]
    [InlineData(SortValueKind.Number, "\"many\"")]
    [InlineData(SortValueKind.Number, "[1]")]
    [InlineData(SortValueKind.Date, "\"23/11/2026\"")]
    [InlineData(SortValueKind.Instant, "7")]
    [InlineData(SortValueKind.Boolean, "\"true\"")]
    [InlineData(SortValueKind.Text, "{\"a\":1}")]
    [InlineData(SortValueKind.Text, "\"\\u200b\"")]
    public void AValueThatDoesNotReadAsItsKindSortsAsMissing(SortValueKind kind, string json)
    {
        var node = JsonNode.Parse(json);
        Assert.Null(SortValues.Encode(kind, node));
        Assert.Equal(SortValues.Missing, SortValues.Ascending(kind, node));
        Assert.Equal(SortValues.Missing, SortValues.Descending(kind, node));
    }

    [Fact]
    public void KeysStayShortWhateverTheText()
    {
        var key = RowKeys.Sorted(new string('k', 64), true, SortValues.Descending(SortValueKind.Text, JsonValue.Create(new string('公', 5_000))), Ids.New(DateTimeOffset.UtcNow));
        Assert.True(key.Length < 400, $"{key.Length} characters");
    }
}
