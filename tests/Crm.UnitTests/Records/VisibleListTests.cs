using Crm.Domain.Access;
using Crm.Domain.Querying;
using Crm.Storage.Records;
using static Crm.UnitTests.Records.StorageFixture;

namespace Crm.UnitTests.Records;

/// <summary>Lists restricted by data scope: the merge of owner and team ranges, and its fallback scan.</summary>
public sealed class VisibleListTests(StorageFixture storage) : IClassFixture<StorageFixture>
{
    private RecordStore<Widget> Widgets => storage.Widgets;

    /// <summary>
    /// Widgets of owners a, b, c and z, changed at distinct times, some with team seats for the viewer "v"
    /// (one expired); returns the ids the viewer covering a and b must see, newest change first.
    /// </summary>
    private async Task<(string Tenant, List<string> Expected)> SeedAsync(DateTimeOffset now)
    {
        var tenant = NewTenant();
        var expected = new List<(DateTimeOffset At, string Id)>();
        string[] owners = ["a", "b", "c", "z"];
        for (var i = 0; i < 24; i++)
        {
            var owner = owners[i % owners.Length];
            var at = now.AddMinutes(-100 + i * 3 % 50 + i * 0.01);
            IReadOnlyList<TeamMember> team = (i % 5) switch
            {
                0 => [new TeamMember("v", TeamAccess.Read)],
                1 => [new TeamMember("v", TeamAccess.ReadWrite, now.AddDays(-1))],
                _ => [],
            };
            var widget = await Widgets.CreateAsync(Context(tenant, at), new Widget { Name = $"w{i}", OwnerId = owner, Team = team, Status = i % 2 == 0 ? "open" : "won" });
            if (owner is "a" or "b" || i % 5 == 0)
            {
                expected.Add((at, widget.Id));
            }
        }
        return (tenant, expected.OrderByDescending(e => e.At).ThenBy(e => e.Id, StringComparer.Ordinal).Select(e => e.Id).ToList());
    }

    private async Task<List<string>> ListAllAsync(string tenant, ListQuery query)
    {
        var ids = new List<string>();
        var cursor = query.Cursor;
        var pages = 0;
        do
        {
            var page = await Widgets.ListAsync(tenant, query with { Cursor = cursor });
            ids.AddRange(page.Items.Select(w => w.Id));
            cursor = page.NextCursor;
        }
        while (cursor is not null && ++pages < 100);
        return ids;
    }

    [Fact]
    public async Task MergedOwnerAndTeamRangesListExactlyTheVisibleRecordsNewestFirstAcrossPages()
    {
        var now = DateTimeOffset.UtcNow;
        var (tenant, expected) = await SeedAsync(now);
        var ids = await ListAllAsync(tenant, new ListQuery { Limit = 4, Now = now, Visibility = new ListVisibility(new HashSet<string> { "a", "b" }, "v") });
        Assert.Equal(expected, ids);
    }

    [Fact]
    public async Task ManyOwnersFallBackToAFilteredScanWithTheSameResult()
    {
        var now = DateTimeOffset.UtcNow;
        var (tenant, expected) = await SeedAsync(now);
        var owners = new HashSet<string> { "a", "b" };
        owners.UnionWith(Enumerable.Range(0, RecordStore<Widget>.MaxOwnerRanges).Select(i => $"nobody{i}"));
        var ids = await ListAllAsync(tenant, new ListQuery { Limit = 5, Now = now, Visibility = new ListVisibility(owners, "v") });
        Assert.Equal(expected, ids);
    }

    [Fact]
    public async Task ACursorFromTheMergedRangesContinuesInTheFallbackScan()
    {
        var now = DateTimeOffset.UtcNow;
        var (tenant, expected) = await SeedAsync(now);
        var few = new ListVisibility(new HashSet<string> { "a", "b" }, "v");
        var first = await Widgets.ListAsync(tenant, new ListQuery { Limit = 3, Now = now, Visibility = few });
        var many = new HashSet<string> { "a", "b" };
        many.UnionWith(Enumerable.Range(0, RecordStore<Widget>.MaxOwnerRanges).Select(i => $"nobody{i}"));
        // The org chart changed between two pages: the owners are many now, the cursor still means "after this row".
        var rest = await ListAllAsync(tenant, new ListQuery { Limit = 50, Now = now, Cursor = first.NextCursor, Visibility = new ListVisibility(many, "v") });
        Assert.Equal(expected, first.Items.Select(w => w.Id).Concat(rest));
    }

    [Fact]
    public async Task FiltersAndOtherSortsApplyWithinTheVisibleRecords()
    {
        var now = DateTimeOffset.UtcNow;
        var (tenant, expected) = await SeedAsync(now);
        var visibility = new ListVisibility(new HashSet<string> { "a", "b" }, "v");
        var all = await ListAllAsync(tenant, new ListQuery { Limit = 200, Now = now, Visibility = visibility });
        var open = await ListAllAsync(tenant, new ListQuery { Limit = 2, Now = now, Visibility = visibility, FieldEquals = [new("status", "open")] });
        var openWidgets = (await Widgets.GetManyAsync(tenant, all)).Values.Where(w => w.Status == "open").Select(w => w.Id).ToHashSet();
        Assert.Equal(all.Where(openWidgets.Contains), open);

        var byName = await ListAllAsync(tenant, new ListQuery { Limit = 3, Sort = "name", Now = now, Visibility = visibility });
        Assert.Equal(expected.Order(StringComparer.Ordinal), byName.Order(StringComparer.Ordinal));
        var searched = await ListAllAsync(tenant, new ListQuery { Limit = 3, Q = "w1", Now = now, Visibility = visibility });
        Assert.NotEmpty(searched);
        Assert.All(searched, id => Assert.Contains(id, expected));

        var filtered = await ListAllAsync(tenant, new ListQuery
        {
            Limit = 3,
            Now = now,
            Visibility = visibility,
            FilterGroups = [new FilterGroup([new Filter("status", FilterOperator.Eq, System.Text.Json.JsonDocument.Parse("\"won\"").RootElement)])],
        });
        Assert.Equal(all.Where(id => !openWidgets.Contains(id)), filtered);
    }

    [Fact]
    public async Task TeamSeatsAreIndexedAndFollowTheTeamWhenItChanges()
    {
        var tenant = NewTenant();
        var widget = await Widgets.CreateAsync(Context(tenant), new Widget { Name = "teamed", OwnerId = "o", Team = [new TeamMember("m1", TeamAccess.Read)] });
        var rows = await RowsAsync(Widgets.Table, tenant);
        Assert.Contains(rows.Keys, k => k.StartsWith(RowKeys.FieldPrefix("team", "m1"), StringComparison.Ordinal));
        await Widgets.UpdateAsync(Context(tenant), widget.Id, null, w => ValueTask.FromResult(w with { Team = [new TeamMember("m2", TeamAccess.ReadWrite)] }));
        rows = await RowsAsync(Widgets.Table, tenant);
        Assert.DoesNotContain(rows.Keys, k => k.StartsWith(RowKeys.FieldPrefix("team", "m1"), StringComparison.Ordinal));
        Assert.Single(rows.Keys, k => k.StartsWith(RowKeys.FieldPrefix("team", "m2"), StringComparison.Ordinal));
        var seen = await Widgets.ListAsync(tenant, new ListQuery { Visibility = new ListVisibility(new HashSet<string>(), "m2") });
        Assert.Equal([widget.Id], seen.Items.Select(w => w.Id));
        Assert.Empty((await Widgets.ListAsync(tenant, new ListQuery { Visibility = new ListVisibility(new HashSet<string>(), "m1") })).Items);
    }
}
