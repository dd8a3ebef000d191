using System.Text.Json;
using System.Text.Json.Nodes;
using Crm.Domain.Common;
using Crm.Storage.Records;
using static Crm.UnitTests.Records.StorageFixture;

namespace Crm.UnitTests.Records;

/// <summary>The tenant's sortable custom fields, set by the test.</summary>
internal sealed class SettableSortableFields : ISortableFieldSource
{
    public IReadOnlyList<SortableField> Fields { get; set; } = [];

    public Task<IReadOnlyList<SortableField>> ForTypeAsync(string tenantId, string table, CancellationToken cancellationToken) => Task.FromResult(Fields);
}

/// <summary>
/// Custom-field sort rows in the engine: written with the record, listed on its row, moved and removed by its
/// writes, rebuilt for a changed set of fields without touching the record, and paged like any other index.
/// </summary>
public sealed class SortRowTests(StorageFixture storage) : IClassFixture<StorageFixture>
{
    private static readonly SortableField Score = new("score", SortValueKind.Number, Ready: true);
    private static readonly DateTimeOffset T0 = new(2026, 5, 1, 8, 0, 0, TimeSpan.Zero);

    private readonly SettableSortableFields _fields = new() { Fields = [Score] };

    private RecordStore<Widget> Widgets => _widgets ??= new RecordStore<Widget>(storage.Service, storage.Options, new WidgetType(), storage.Notifier, _fields);

    private RecordStore<Widget>? _widgets;

    private static ValueTask<Widget> Set(Widget w) => ValueTask.FromResult(w);

    private static Widget Scored(string name, decimal? score) =>
        new() { Name = name, CustomFields = score is null ? [] : new JsonObject { ["score"] = score } };

    private async Task<List<string>> SortedNamesAsync(string tenant, string sort, int limit = 2)
    {
        var names = new List<string>();
        var query = new ListQuery { Sort = sort, Limit = limit };
        do
        {
            var page = await Widgets.ListAsync(tenant, query);
            names.AddRange(page.Items.Select(w => w.Name));
            query = query with { Cursor = page.NextCursor };
        }
        while (query.Cursor is not null);
        return names;
    }

    /// <summary>Every live, listed record lists exactly the sort rows that exist for it, each with its current JSON; nothing else has any.</summary>
    private async Task AssertSortRowsAgreeAsync(string tenant)
    {
        var rows = await RowsAsync(Widgets.Table, tenant);
        var listed = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (_, row) in rows.Where(r => r.Key.StartsWith("r~", StringComparison.Ordinal)))
        {
            var keys = row.GetString("SortKeys") is { Length: > 0 } text ? JsonSerializer.Deserialize<string[]>(text)! : [];
            Assert.True(row.GetBoolean("Deleted") != true || keys.Length == 0, "a binned record lists no sort rows");
            foreach (var key in keys)
            {
                listed.Add(key, row.GetString("D"));
            }
        }
        var sortRows = rows.Where(r => r.Key.StartsWith("i~s~", StringComparison.Ordinal)).ToList();
        Assert.Equal(listed.Keys.Order(StringComparer.Ordinal), sortRows.Select(r => r.Key));
        Assert.All(sortRows, r => Assert.Equal(listed[r.Key], r.Value.GetString("D")));
    }

    [Fact]
    public async Task SortRowsFollowTheRecordThroughItsLife()
    {
        var tenant = NewTenant();
        var ids = new Dictionary<string, string>();
        foreach (var (name, score, minute) in new[] { ("b", (decimal?)2.5m, 0), ("a", -1m, 1), ("none", null, 2), ("c", 10m, 3), ("tie", 2.5m, 4) })
        {
            ids[name] = (await Widgets.CreateAsync(Context(tenant, T0.AddMinutes(minute)), Scored(name, score))).Id;
        }
        await AssertSortRowsAgreeAsync(tenant);
        var tieOrder = string.CompareOrdinal(ids["b"], ids["tie"]) < 0 ? new[] { "b", "tie" } : ["tie", "b"];
        Assert.Equal(["a", .. tieOrder, "c", "none"], await SortedNamesAsync(tenant, "customFields.score"));
        Assert.Equal(["c", .. tieOrder, "a", "none"], await SortedNamesAsync(tenant, "-customFields.score"));

        await Widgets.UpdateAsync(Context(tenant, T0.AddMinutes(5)), ids["c"], null, w => Set(w with { CustomFields = new JsonObject { ["score"] = -5m } }));
        await Widgets.UpdateAsync(Context(tenant, T0.AddMinutes(6)), ids["none"], null, w => Set(w with { CustomFields = new JsonObject { ["score"] = 0m } }));
        await AssertSortRowsAgreeAsync(tenant);
        Assert.Equal(["c", "a", "none", .. tieOrder], await SortedNamesAsync(tenant, "customFields.score"));

        await Widgets.DeleteAsync(Context(tenant, T0.AddMinutes(7)), ids["a"], null);
        await AssertSortRowsAgreeAsync(tenant);
        Assert.Equal(["c", "none", .. tieOrder], await SortedNamesAsync(tenant, "customFields.score"));
        await Widgets.RestoreAsync(Context(tenant, T0.AddMinutes(8)), ids["a"]);
        await AssertSortRowsAgreeAsync(tenant);
        Assert.Equal(["c", "a", "none", .. tieOrder], await SortedNamesAsync(tenant, "customFields.score", limit: 50));
        // An archived widget leaves every list, this one included.
        await Widgets.UpdateAsync(Context(tenant, T0.AddMinutes(9)), ids["c"], null, w => Set(w with { Status = "archived" }));
        await AssertSortRowsAgreeAsync(tenant);
        Assert.Equal(["a", "none", .. tieOrder], await SortedNamesAsync(tenant, "customFields.score"));
    }

    [Fact]
    public async Task ARebuildFollowsTheSortableFieldsWithoutChangingAnyRecord()
    {
        var tenant = NewTenant();
        var a = await Widgets.CreateAsync(Context(tenant, T0), Scored("a", 1m));
        var b = await Widgets.CreateAsync(Context(tenant, T0.AddMinutes(1)), Scored("b", null));
        await Widgets.DeleteAsync(Context(tenant, T0.AddMinutes(2)), b.Id, null);
        var before = await RowsAsync(Widgets.Table, tenant);
        var notices = storage.Notifier.For(tenant);

        _fields.Fields = [];
        Assert.Equal(1, await Widgets.RebuildSortRowsAsync(tenant));
        await AssertSortRowsAgreeAsync(tenant);
        Assert.DoesNotContain((await RowsAsync(Widgets.Table, tenant)).Keys, k => k.StartsWith("i~s~", StringComparison.Ordinal));

        _fields.Fields = [Score, new SortableField("label", SortValueKind.Text, Ready: false)];
        Assert.Equal(1, await Widgets.RebuildSortRowsAsync(tenant));
        Assert.Equal(0, await Widgets.RebuildSortRowsAsync(tenant));
        await AssertSortRowsAgreeAsync(tenant);
        var after = await RowsAsync(Widgets.Table, tenant);
        Assert.Equal(4, after.Keys.Count(k => k.StartsWith("i~s~", StringComparison.Ordinal)));

        // The records are as they were: same JSON (version, updatedAt), no audit entry, no event, no notice.
        Assert.Equal(before[RowKeys.Record(a.Id)].GetString("D"), after[RowKeys.Record(a.Id)].GetString("D"));
        Assert.Equal(before[RowKeys.Record(b.Id)].GetString("D"), after[RowKeys.Record(b.Id)].GetString("D"));
        foreach (var prefix in new[] { "a~", "h~", "o~", "b~" })
        {
            Assert.Equal(before.Keys.Where(k => k.StartsWith(prefix, StringComparison.Ordinal)), after.Keys.Where(k => k.StartsWith(prefix, StringComparison.Ordinal)));
        }
        Assert.Equal(notices, storage.Notifier.For(tenant));
        Assert.Equal(a.Version, (await Widgets.GetAsync(tenant, a.Id)).Version);
    }

    [Fact]
    public async Task AnUpdateWithIfMatchOvertakenByARebuildIsWrittenNotRefused()
    {
        var tenant = NewTenant();
        var a = await Widgets.CreateAsync(Context(tenant, T0), Scored("a", 1m));
        _fields.Fields = [Score, new SortableField("other", SortValueKind.Text, Ready: false)];
        var calls = 0;
        var updated = await Widgets.UpdateAsync(Context(tenant, T0.AddMinutes(1)), a.Id, a.Version, async w =>
        {
            // The backfill rewrites the record row (a new ETag, the same version) between this read and the write.
            if (calls++ == 0)
            {
                Assert.Equal(1, await Widgets.RebuildSortRowsAsync(tenant));
            }
            return w with { CustomFields = new JsonObject { ["score"] = 3m } };
        });
        Assert.Equal(2, calls);
        Assert.Equal(3m, updated.CustomFields["score"]!.GetValue<decimal>());
        await AssertSortRowsAgreeAsync(tenant);
        // A real change of version still answers 412.
        await Assert.ThrowsAsync<PreconditionFailedException>(() => Widgets.UpdateAsync(Context(tenant, T0.AddMinutes(2)), a.Id, a.Version, Set));
    }

    [Fact]
    public async Task AScopedListSortedByACustomFieldShowsTheVisibleRecordsInOrder()
    {
        var tenant = NewTenant();
        var visible = new List<(decimal? Score, string Id)>();
        for (var i = 0; i < 15; i++)
        {
            decimal? score = i % 5 == 4 ? null : (i * 7 % 10) - 4;
            var owner = i % 3 == 0 ? "other" : "me";
            var w = await Widgets.CreateAsync(Context(tenant, T0.AddMinutes(i)), Scored($"w{i}", score) with { OwnerId = owner });
            if (owner == "me")
            {
                visible.Add((score, w.Id));
            }
        }
        var ids = new List<string>();
        var query = new ListQuery { Sort = "-customFields.score", Limit = 3, Visibility = new ListVisibility(new HashSet<string> { "me" }, "me") };
        do
        {
            var page = await Widgets.ListAsync(tenant, query);
            ids.AddRange(page.Items.Select(w => w.Id));
            query = query with { Cursor = page.NextCursor };
        }
        while (query.Cursor is not null);
        Assert.Equal(visible.OrderBy(v => v.Score is null).ThenByDescending(v => v.Score).ThenBy(v => v.Id, StringComparer.Ordinal).Select(v => v.Id), ids);
    }

    [Fact]
    public async Task OnlyASortableFieldWhoseIndexIsReadySortsAList()
    {
        var tenant = NewTenant();
        _fields.Fields = [Score with { Ready = false }];
        var unsupported = await Assert.ThrowsAsync<ValidationException>(() => Widgets.ListAsync(tenant, new ListQuery { Sort = "customFields.other" }));
        Assert.Equal(RecordStore<Widget>.SortUnsupported, unsupported.Code);
        Assert.Contains("customFields.score", unsupported.Errors["sort"][0]);
        var building = await Assert.ThrowsAsync<ConflictException>(() => Widgets.ListAsync(tenant, new ListQuery { Sort = "-customFields.score" }));
        Assert.Equal(RecordStore<Widget>.SortIndexBuilding, building.Code);
        // A saved query may name a field still being built; it runs once the field is ready.
        await Widgets.ValidateQueryAsync(tenant, new ListQuery { Sort = "customFields.score" });
        await Assert.ThrowsAsync<ValidationException>(() => Widgets.ValidateQueryAsync(tenant, new ListQuery { Sort = "customFields.other" }));
        _fields.Fields = [Score];
        Assert.Empty((await Widgets.ListAsync(tenant, new ListQuery { Sort = "-customFields.score" })).Items);
    }
}
