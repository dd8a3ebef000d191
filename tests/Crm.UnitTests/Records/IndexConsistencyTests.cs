using Crm.Storage.Records;
using static Crm.UnitTests.Records.StorageFixture;

namespace Crm.UnitTests.Records;

public sealed class IndexConsistencyTests(StorageFixture storage) : IClassFixture<StorageFixture>
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 1, 9, 0, 0, TimeSpan.Zero);

    private RecordStore<Widget> Widgets => storage.Widgets;

    private static ValueTask<Widget> Set(Widget w) => ValueTask.FromResult(w);

    private async Task<IReadOnlyList<string>> IdsWhereAsync(string tenant, string field, string value, string sort = ListQuery.DefaultSort) =>
        (await Widgets.ListAsync(tenant, new ListQuery { FieldEquals = [new(field, value)], Sort = sort, Limit = 200 })).Items.Select(w => w.Id).ToList();

    private async Task<IReadOnlyList<string>> SearchAsync(string tenant, string q) =>
        (await Widgets.ListAsync(tenant, new ListQuery { Q = q, Limit = 200 })).Items.Select(w => w.Id).ToList();

    [Fact]
    public async Task AnUnlistedRecordKeepsItsUniqueKeyAndLeavesEveryListAndSearchUntilListedAgain()
    {
        var tenant = NewTenant();
        var a = await Widgets.CreateAsync(Context(tenant, T0), new Widget { Name = "Hidden", OwnerId = "u1", Email = "hidden@x.cn" });
        await Widgets.UpdateAsync(Context(tenant, T0.AddMinutes(1)), a.Id, null, w => Set(w with { Status = "archived" }));
        await IndexInvariants.AssertAgreeAsync(Widgets, tenant);
        Assert.Empty((await Widgets.ListAsync(tenant, new ListQuery { Limit = 200 })).Items);
        Assert.Empty(await IdsWhereAsync(tenant, "ownerId", "u1"));
        Assert.Empty(await IdsWhereAsync(tenant, "status", "archived"));
        Assert.Empty(await SearchAsync(tenant, "hidden"));
        Assert.Equal("archived", (await Widgets.GetAsync(tenant, a.Id)).Status);
        var taken = await Assert.ThrowsAsync<Crm.Domain.Common.ConflictException>(() => Widgets.CreateAsync(Context(tenant, T0.AddMinutes(2)), new Widget { Name = "hidden" }));
        Assert.Equal(WidgetType.DuplicateName, taken.Code);

        await Widgets.DeleteAsync(Context(tenant, T0.AddMinutes(3)), a.Id, null);
        await Widgets.RestoreAsync(Context(tenant, T0.AddMinutes(4)), a.Id);
        await IndexInvariants.AssertAgreeAsync(Widgets, tenant);
        Assert.Empty(await SearchAsync(tenant, "hidden"));
        await Widgets.UpdateAsync(Context(tenant, T0.AddMinutes(5)), a.Id, null, w => Set(w with { Status = "open" }));
        await IndexInvariants.AssertAgreeAsync(Widgets, tenant);
        Assert.Equal([a.Id], await SearchAsync(tenant, "hidden"));
    }

    [Fact]
    public async Task IndexesFollowTheRecordThroughItsLife()
    {
        var tenant = NewTenant();
        var a = await Widgets.CreateAsync(Context(tenant, T0), new Widget { Name = "Alpha", OwnerId = "u1", Status = "open", Email = "alpha@x.cn" });
        var b = await Widgets.CreateAsync(Context(tenant, T0.AddMinutes(1)), new Widget { Name = "Beta", OwnerId = "u2", Status = "open" });
        await IndexInvariants.AssertAgreeAsync(Widgets, tenant);
        Assert.Equal([b.Id, a.Id], await IdsWhereAsync(tenant, "status", "open"));

        await Widgets.UpdateAsync(Context(tenant, T0.AddMinutes(2)), a.Id, null, w => Set(w with { Status = "won" }));
        await IndexInvariants.AssertAgreeAsync(Widgets, tenant);
        Assert.Equal([b.Id], await IdsWhereAsync(tenant, "status", "open"));
        Assert.Equal([a.Id], await IdsWhereAsync(tenant, "status", "won"));
        Assert.Equal("won", Assert.Single((await Widgets.ListAsync(tenant, new ListQuery { FieldEquals = [new("status", "won")] })).Items).Status);

        await Widgets.UpdateAsync(Context(tenant, T0.AddMinutes(3)), a.Id, null, w => Set(w with { OwnerId = "u2", Name = "Gamma", Email = null }));
        await IndexInvariants.AssertAgreeAsync(Widgets, tenant);
        Assert.Equal([a.Id, b.Id], await IdsWhereAsync(tenant, "ownerId", "u2"));
        Assert.Empty(await IdsWhereAsync(tenant, "ownerId", "u1"));
        Assert.Empty(await SearchAsync(tenant, "alpha"));
        Assert.Equal([a.Id], await SearchAsync(tenant, "gam"));

        await Widgets.DeleteAsync(Context(tenant, T0.AddMinutes(4)), a.Id, null);
        await IndexInvariants.AssertAgreeAsync(Widgets, tenant);
        Assert.Empty(await IdsWhereAsync(tenant, "status", "won"));
        Assert.Empty(await SearchAsync(tenant, "gam"));
        Assert.Equal([b.Id], (await Widgets.ListAsync(tenant, new ListQuery { Sort = "createdAt" })).Items.Select(w => w.Id));

        await Widgets.RestoreAsync(Context(tenant, T0.AddMinutes(5)), a.Id);
        await IndexInvariants.AssertAgreeAsync(Widgets, tenant);
        Assert.Equal([a.Id], await IdsWhereAsync(tenant, "status", "won"));
        // Restoring counts as a change: the record comes back at the top of "recently updated".
        Assert.Equal([a.Id, b.Id], (await Widgets.ListAsync(tenant, new ListQuery())).Items.Select(w => w.Id));

        await Widgets.DeleteAsync(Context(tenant, T0.AddMinutes(6)), a.Id, null);
        await Widgets.PurgeAsync(Context(tenant, T0.AddMinutes(7)), a.Id);
        await IndexInvariants.AssertAgreeAsync(Widgets, tenant);
        Assert.Equal([b.Id], (await Widgets.ListAsync(tenant, new ListQuery { Sort = "name" })).Items.Select(w => w.Id));
    }

    [Fact]
    public async Task ListProjectionsCarryTheCurrentValues()
    {
        var tenant = NewTenant();
        var created = await Widgets.CreateAsync(Context(tenant, T0), new Widget { Name = "Projected", Amount = 1 });

        var updated = await Widgets.UpdateAsync(Context(tenant, T0.AddMinutes(1)), created.Id, null, w => Set(w with { Amount = 42 }));

        foreach (var sort in ListQuery.Sorts)
        {
            var item = Assert.Single((await Widgets.ListAsync(tenant, new ListQuery { Sort = sort })).Items);
            Assert.Equal(42, item.Amount);
            Assert.Equal(updated.Version, item.Version);
        }
        Assert.Equal(42, Assert.Single((await Widgets.ListAsync(tenant, new ListQuery { FieldEquals = [new("ownerId", "")] })).Items).Amount);
    }

    [Fact]
    public async Task EqualityFiltersGiveTheSameRecordsWhicheverIndexAnswers()
    {
        var tenant = NewTenant();
        for (var i = 0; i < 12; i++)
        {
            await Widgets.CreateAsync(Context(tenant, T0.AddMinutes(i)),
                new Widget { Name = $"W{i:D2}", OwnerId = $"u{i % 3}", Status = i % 2 == 0 ? "open" : "won", Email = i % 4 == 0 ? "team@x.cn" : null });
        }

        foreach (var (field, value) in new[] { ("status", "open"), ("ownerId", "u1"), ("email", "team@x.cn"), ("status", "OPEN"), ("name", "w03") })
        {
            var bySort = new List<IReadOnlyList<string>>();
            foreach (var sort in ListQuery.Sorts)
            {
                bySort.Add((await IdsWhereAsync(tenant, field, value, sort)).Order(StringComparer.Ordinal).ToList());
            }
            Assert.All(bySort, ids => Assert.Equal(bySort[0], ids));
        }
        Assert.Equal(6, (await IdsWhereAsync(tenant, "status", "open")).Count);
        Assert.Equal(3, (await IdsWhereAsync(tenant, "email", "team@x.cn")).Count);

        var both = await Widgets.ListAsync(tenant, new ListQuery { FieldEquals = [new("ownerId", "u1"), new("status", "won")], Limit = 200 });
        Assert.Equal(2, both.Items.Count);
        Assert.All(both.Items, w => Assert.True(w is { OwnerId: "u1", Status: "won" }));
    }
}
