using Crm.Domain.Common;
using Crm.Storage.Records;

namespace Crm.UnitTests.Records;

/// <summary>
/// Checks a tenant's widget partition as storage holds it: every live record has exactly the index,
/// search and unique-key rows its current values call for, each carrying the record's current JSON;
/// no row is left over from an earlier value; every binned record has its one bin row.
/// </summary>
internal static class IndexInvariants
{
    public static async Task AssertAgreeAsync(RecordStore<Widget> store, string tenantId)
    {
        var rows = await StorageFixture.RowsAsync(store.Table, tenantId);
        var expected = new SortedDictionary<string, string>(StringComparer.Ordinal);
        var json = new Dictionary<string, string>(StringComparer.Ordinal);
        var binKeys = new List<string>();
        foreach (var (key, row) in rows.Where(r => r.Key.StartsWith("r~", StringComparison.Ordinal)))
        {
            var data = row.GetString("D");
            var widget = CrmJson.Deserialize<Widget>(data);
            Assert.Equal(RowKeys.Record(widget.Id), key);
            if (row.GetBoolean("Deleted") == true)
            {
                binKeys.Add(row.GetString("BinKey"));
                continue;
            }
            json[widget.Id] = data;
            foreach (var k in ExpectedKeys(widget))
            {
                // Add throws when two live records claim one key.
                expected.Add(k, widget.Id);
            }
        }

        var indexRows = rows.Where(r => r.Key.StartsWith("i~", StringComparison.Ordinal) || r.Key.StartsWith("k~", StringComparison.Ordinal)).ToList();
        Assert.Equal(expected.Keys, indexRows.Select(r => r.Key));
        foreach (var (key, row) in indexRows)
        {
            Assert.Equal(expected[key], row.GetString("Id"));
            if (key.StartsWith("i~", StringComparison.Ordinal))
            {
                Assert.Equal(json[expected[key]], row.GetString("D"));
            }
        }
        Assert.Equal(binKeys.Order(StringComparer.Ordinal), rows.Keys.Where(k => k.StartsWith("b~", StringComparison.Ordinal)));
    }

    private static IEnumerable<string> ExpectedKeys(Widget w)
    {
        if (w.Status == "archived")
        {
            yield return RowKeys.Unique(WidgetType.NameKey, TextNormalizer.Normalize(w.Name));
            yield break;
        }
        yield return RowKeys.ByUpdated(w.UpdatedAt, w.Id);
        yield return RowKeys.ByCreatedDesc(w.CreatedAt, w.Id);
        yield return RowKeys.ByName(TextNormalizer.Normalize(w.Name), w.Id);
        yield return RowKeys.ByField("ownerId", w.OwnerId ?? "", w.UpdatedAt, w.Id);
        yield return RowKeys.ByField("status", w.Status, w.UpdatedAt, w.Id);
        foreach (var term in new[] { w.Name, w.Email }.Select(TextNormalizer.Normalize).Where(t => t.Length > 0).Distinct(StringComparer.Ordinal))
        {
            yield return RowKeys.SearchTerm(term, w.Id);
        }
        yield return RowKeys.Unique(WidgetType.NameKey, TextNormalizer.Normalize(w.Name));
    }
}
