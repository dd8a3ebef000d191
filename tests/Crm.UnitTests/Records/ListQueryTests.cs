using System.Text.Json;
using Crm.Domain.Common;
using Crm.Domain.Querying;
using Crm.Storage.Records;
using static Crm.UnitTests.Records.StorageFixture;

namespace Crm.UnitTests.Records;

public sealed class ListQueryTests(StorageFixture storage) : IClassFixture<StorageFixture>
{
    private RecordStore<Widget> Widgets => storage.Widgets;

    private static Filter F(string field, FilterOperator op, object value) => new(field, op, JsonSerializer.SerializeToElement(value));

    private async Task<string> TenantWithWidgetsAsync(int count)
    {
        var tenant = NewTenant();
        for (var i = 0; i < count; i++)
        {
            await Widgets.CreateAsync(Context(tenant), new Widget { Name = $"Item {i:D3}", Amount = i });
        }
        return tenant;
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(201)]
    public async Task LimitOutsideOneTo200IsRefused(int limit)
    {
        var e = await Assert.ThrowsAsync<ValidationException>(() => Widgets.ListAsync(NewTenant(), new ListQuery { Limit = limit }));

        Assert.Equal(["limit"], e.Errors.Keys);
    }

    [Fact]
    public async Task LimitIsHonouredAtBothEnds()
    {
        var tenant = await TenantWithWidgetsAsync(3);

        Assert.Single((await Widgets.ListAsync(tenant, new ListQuery { Limit = 1 })).Items);
        Assert.Equal(3, (await Widgets.ListAsync(tenant, new ListQuery { Limit = 200 })).Items.Count);
    }

    [Theory]
    [InlineData("updatedAt")]
    [InlineData("-name")]
    [InlineData("amount")]
    public async Task UnknownSortIsRefused(string sort)
    {
        var e = await Assert.ThrowsAsync<ValidationException>(() => Widgets.ListAsync(NewTenant(), new ListQuery { Sort = sort }));

        Assert.Equal(["sort"], e.Errors.Keys);
    }

    [Fact]
    public async Task FilterOnUnknownFieldIsRefused()
    {
        var e = await Assert.ThrowsAsync<ValidationException>(() => Widgets.ListAsync(NewTenant(), new ListQuery { FieldEquals = [new("secret", "x")] }));
        Assert.Equal(["secret"], e.Errors.Keys);

        var search = await Assert.ThrowsAsync<ValidationException>(() =>
            Widgets.ListAsync(NewTenant(), new ListQuery { FilterGroups = [new FilterGroup([F("secret", FilterOperator.Eq, 1)])] }));
        Assert.Equal("search.invalid_filter", search.Code);
    }

    [Fact]
    public async Task CursorOnlyContinuesTheQueryThatMadeIt()
    {
        var tenant = await TenantWithWidgetsAsync(3);
        var page = await Widgets.ListAsync(tenant, new ListQuery { Limit = 1 });
        Assert.NotNull(page.NextCursor);

        var others = new[]
        {
            new ListQuery { Limit = 1, Cursor = page.NextCursor, Sort = "name" },
            new ListQuery { Limit = 1, Cursor = page.NextCursor, Sort = "-createdAt" },
            new ListQuery { Limit = 1, Cursor = page.NextCursor, Q = "item" },
            new ListQuery { Limit = 1, Cursor = page.NextCursor, FieldEquals = [new("status", "open")] },
            new ListQuery { Limit = 1, Cursor = page.NextCursor, FilterGroups = [new FilterGroup([F("amount", FilterOperator.Ge, 0)])] },
            new ListQuery { Limit = 1, Cursor = "not-a-cursor" },
            new ListQuery { Limit = 1, Cursor = page.NextCursor[..^2] },
        };
        foreach (var query in others)
        {
            var e = await Assert.ThrowsAsync<ValidationException>(() => Widgets.ListAsync(tenant, query));
            Assert.Equal("cursor.invalid", e.Code);
        }

        // The same query with another page size may go on.
        Assert.Equal(2, (await Widgets.ListAsync(tenant, new ListQuery { Limit = 5, Cursor = page.NextCursor })).Items.Count);
    }

    [Fact]
    public async Task PrefixSearchFindsNamesAndEmailsWhateverTheirWidthOrCase()
    {
        var tenant = NewTenant();
        var trading = await Widgets.CreateAsync(Context(tenant), new Widget { Name = "Acme Trading", Email = "sales@acme.cn" });
        var parts = await Widgets.CreateAsync(Context(tenant), new Widget { Name = "ＡＣＭＥ Parts" });
        var beta = await Widgets.CreateAsync(Context(tenant), new Widget { Name = "Beta", Email = "acme@beta.com" });
        await Widgets.CreateAsync(Context(tenant), new Widget { Name = "Trading Acme" });

        async Task<IEnumerable<string>> Search(string q) =>
            (await Widgets.ListAsync(tenant, new ListQuery { Q = q })).Items.Select(w => w.Id).Order(StringComparer.Ordinal);

        Assert.Equal(new[] { trading.Id, parts.Id, beta.Id }.Order(StringComparer.Ordinal), await Search("acme"));
        Assert.Equal(new[] { trading.Id, parts.Id, beta.Id }.Order(StringComparer.Ordinal), await Search("ＡＣＭＥ"));
        Assert.Equal([trading.Id], await Search("acme t"));
        Assert.Equal([trading.Id], await Search("SALES@"));
        Assert.Empty(await Search("trading acme x"));
    }

    [Theory]
    [InlineData("   ")]
    [InlineData("")]
    public async Task BlankSearchIsRefused(string q)
    {
        var e = await Assert.ThrowsAsync<ValidationException>(() => Widgets.ListAsync(NewTenant(), new ListQuery { Q = q }));

        Assert.Equal(["q"], e.Errors.Keys);
    }

    [Fact]
    public async Task OverlongSearchIsRefused() =>
        Assert.Equal(["q"], (await Assert.ThrowsAsync<ValidationException>(() => Widgets.ListAsync(NewTenant(), new ListQuery { Q = new string('a', 101) }))).Errors.Keys);

    [Fact]
    public async Task SearchPagesListARecordOnceEvenWhenSeveralOfItsTermsMatch()
    {
        var tenant = NewTenant();
        // Name and e-mail of the first both start with "abc"; the second sorts between its two terms.
        var both = await Widgets.CreateAsync(Context(tenant), new Widget { Name = "abc", Email = "abc@x.cn" });
        var between = await Widgets.CreateAsync(Context(tenant), new Widget { Name = "abcd" });
        var third = await Widgets.CreateAsync(Context(tenant), new Widget { Name = "abce", Email = "abce@y.cn" });

        var ids = new List<string>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var page = await Widgets.ListAsync(tenant, new ListQuery { Q = "abc", Limit = 1, Cursor = cursor });
            ids.AddRange(page.Items.Select(w => w.Id));
            cursor = page.NextCursor;
        }
        while (cursor is not null && ++pages < 20);

        Assert.Equal(new[] { both.Id, between.Id, third.Id }.Order(StringComparer.Ordinal), ids.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task SearchFiltersAndSortsCombineAndPage()
    {
        var tenant = await TenantWithWidgetsAsync(30);
        var query = new ListQuery
        {
            Sort = "name",
            Limit = 4,
            FilterGroups = [new FilterGroup([F("amount", FilterOperator.Ge, 10), F("amount", FilterOperator.Lt, 15)]), new FilterGroup([F("name", FilterOperator.Eq, "item 027")])],
        };

        var names = new List<string>();
        string? cursor = null;
        do
        {
            var page = await Widgets.ListAsync(tenant, query with { Cursor = cursor });
            names.AddRange(page.Items.Select(w => w.Name));
            cursor = page.NextCursor;
        }
        while (cursor is not null);

        Assert.Equal(["Item 010", "Item 011", "Item 012", "Item 013", "Item 014", "Item 027"], names);
    }

    [Fact]
    public async Task FilterThatMatchesNothingStopsAtTheScanBudgetAndContinues()
    {
        // Each record has 60 search terms "tag00".."tag59", so 36 records put 2,160 rows into the
        // range of q=tag; the one record the filter matches has its only term at the range's end.
        var store = new RecordStore<Tagged>(storage.Service, storage.Options, new TaggedType(), storage.Notifier);
        await store.Table.CreateIfNotExistsAsync();
        var tenant = NewTenant();
        var tags = Enumerable.Range(0, 60).Select(i => $"tag{i:D2}").ToList();
        var rowsInRange = 0;
        while (rowsInRange <= RecordStore<Tagged>.ScanBudget + 100)
        {
            await store.CreateAsync(Context(tenant), new Tagged { Name = "hay", Tags = tags });
            rowsInRange += tags.Count;
        }
        var needle = await store.CreateAsync(Context(tenant), new Tagged { Name = "needle", Tags = ["tagzz"] });
        var query = new ListQuery { Q = "tag", FilterGroups = [new FilterGroup([F("name", FilterOperator.Eq, "needle")])], Limit = 10 };

        var first = await store.ListAsync(tenant, query);

        Assert.Empty(first.Items);
        Assert.NotNull(first.NextCursor);
        var found = new List<Tagged>();
        var cursor = first.NextCursor;
        var pages = 1;
        while (cursor is not null)
        {
            var page = await store.ListAsync(tenant, query with { Cursor = cursor });
            found.AddRange(page.Items);
            cursor = page.NextCursor;
            Assert.True(++pages <= 3, "the scan should reach the end of the range");
        }
        Assert.Equal(needle.Id, Assert.Single(found).Id);
    }
}
