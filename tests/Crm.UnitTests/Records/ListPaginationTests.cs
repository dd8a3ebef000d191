using Crm.Domain.Common;
using Crm.Storage.Records;
using static Crm.UnitTests.Records.StorageFixture;

namespace Crm.UnitTests.Records;

public sealed class ListPaginationTests(StorageFixture storage) : IClassFixture<StorageFixture>
{
    private RecordStore<Widget> Widgets => storage.Widgets;

    public static TheoryData<string> Sorts => new(ListQuery.Sorts);

    /// <summary>The order a sort promises, as a comparison of two records.</summary>
    private static int Compare(string sort, Widget a, Widget b) => sort switch
    {
        "-updatedAt" => b.UpdatedAt.CompareTo(a.UpdatedAt) is var c and not 0 ? c : string.CompareOrdinal(a.Id, b.Id),
        "-createdAt" => b.CreatedAt.CompareTo(a.CreatedAt) is var c and not 0 ? c : string.CompareOrdinal(a.Id, b.Id),
        "createdAt" => string.CompareOrdinal(a.Id, b.Id),
        _ => string.CompareOrdinal(TextNormalizer.Normalize(a.Name), TextNormalizer.Normalize(b.Name)) is var c and not 0 ? c : string.CompareOrdinal(a.Id, b.Id),
    };

    [Theory]
    [MemberData(nameof(Sorts))]
    public async Task EveryRecordAppearsExactlyOnceWhileRecordsAreAdded(string sort)
    {
        var tenant = NewTenant();
        var random = new Random(sort.GetHashCode(StringComparison.Ordinal));
        var original = new List<string>();
        for (var i = 0; i < 17; i++)
        {
            original.Add((await Widgets.CreateAsync(Context(tenant), new Widget { Name = $"{(char)('a' + random.Next(26))}-{i}" })).Id);
        }

        var seen = new List<Widget>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var page = await Widgets.ListAsync(tenant, new ListQuery { Sort = sort, Limit = 4, Cursor = cursor });
            Assert.InRange(page.Items.Count, page.NextCursor is null ? 0 : 1, 4);
            seen.AddRange(page.Items);
            cursor = page.NextCursor;
            // Others keep adding records between the pages; names land before and after the cursor.
            await Widgets.CreateAsync(Context(tenant), new Widget { Name = $"{(char)('a' + random.Next(26))}-new-{pages}" });
            pages++;
        }
        while (cursor is not null && pages < 50);

        Assert.Null(cursor);
        var ids = seen.Select(w => w.Id).ToList();
        Assert.Equal(ids.Count, ids.Distinct(StringComparer.Ordinal).Count());
        Assert.All(original, id => Assert.Single(ids, id));
        for (var i = 1; i < seen.Count; i++)
        {
            Assert.True(Compare(sort, seen[i - 1], seen[i]) < 0, $"{seen[i - 1].Name} is listed before {seen[i].Name}");
        }
    }

    [Theory]
    [MemberData(nameof(Sorts))]
    public async Task LastPageHasNoCursorAndAFullPageOnlyOneIfMoreFollow(string sort)
    {
        var tenant = NewTenant();
        for (var i = 0; i < 4; i++)
        {
            await Widgets.CreateAsync(Context(tenant), new Widget { Name = $"Exact {i}" });
        }

        var first = await Widgets.ListAsync(tenant, new ListQuery { Sort = sort, Limit = 2 });
        var second = await Widgets.ListAsync(tenant, new ListQuery { Sort = sort, Limit = 2, Cursor = first.NextCursor });
        var all = await Widgets.ListAsync(tenant, new ListQuery { Sort = sort, Limit = 4 });

        Assert.NotNull(first.NextCursor);
        Assert.Equal(2, second.Items.Count);
        Assert.Null(second.NextCursor);
        Assert.Equal(4, all.Items.Count);
        Assert.Null(all.NextCursor);
        Assert.Empty((await Widgets.ListAsync(NewTenant(), new ListQuery { Sort = sort })).Items);
    }

    [Fact]
    public async Task NameSortPutsANameBeforeTheLongerNamesItBegins()
    {
        var tenant = NewTenant();
        foreach (var name in new[] { "Acme Trading", "Acme", "Acme 2", "acme-x", "Ａｃｍｅ Ｂｅｔａ", "Ac" })
        {
            await Widgets.CreateAsync(Context(tenant), new Widget { Name = name });
        }

        var names = (await Widgets.ListAsync(tenant, new ListQuery { Sort = "name" })).Items.Select(w => w.Name);

        Assert.Equal(["Ac", "Acme", "acme-x", "Acme 2", "Ａｃｍｅ Ｂｅｔａ", "Acme Trading"], names);
    }

    [Fact]
    public async Task DeletedRecordsAreNeverListed()
    {
        var tenant = NewTenant();
        var ids = new List<string>();
        for (var i = 0; i < 6; i++)
        {
            ids.Add((await Widgets.CreateAsync(Context(tenant), new Widget { Name = $"Bin {i}" })).Id);
        }
        foreach (var id in ids.Where((_, i) => i % 2 == 0))
        {
            await Widgets.DeleteAsync(Context(tenant), id, null);
        }

        foreach (var sort in ListQuery.Sorts)
        {
            var listed = (await Widgets.ListAsync(tenant, new ListQuery { Sort = sort })).Items.Select(w => w.Id).Order(StringComparer.Ordinal);
            Assert.Equal(ids.Where((_, i) => i % 2 == 1).Order(StringComparer.Ordinal), listed);
        }
    }
}
