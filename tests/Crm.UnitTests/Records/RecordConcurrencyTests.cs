using Crm.Domain.Common;
using Crm.Storage.Records;
using static Crm.UnitTests.Records.StorageFixture;

namespace Crm.UnitTests.Records;

public sealed class RecordConcurrencyTests(StorageFixture storage) : IClassFixture<StorageFixture>
{
    private RecordStore<Widget> Widgets => storage.Widgets;

    [Fact]
    public async Task ParallelUpdatesWithoutIfMatchLoseNoUpdate()
    {
        var tenant = NewTenant();
        var created = await Widgets.CreateAsync(Context(tenant), new Widget { Name = "Counter", Amount = 0 });

        await Task.WhenAll(Enumerable.Range(0, 10).Select(i => Task.Run(() =>
            Widgets.UpdateAsync(Context(tenant, actor: $"writer{i}"), created.Id, null, w => ValueTask.FromResult(w with { Amount = w.Amount + 1 })))));

        Assert.Equal(10, (await Widgets.GetAsync(tenant, created.Id)).Amount);
        var history = await storage.Audit.QueryAsync(tenant, new AuditQuery("widget", created.Id, null, null, null, 50, null), default);
        Assert.Equal(10, history.Items.Count(e => e.Action == AuditAction.Updated));
        await IndexInvariants.AssertAgreeAsync(Widgets, tenant);
    }

    [Fact]
    public async Task ParallelUpdatesWithTheSameIfMatchLetExactlyOneWin()
    {
        var tenant = NewTenant();
        var created = await Widgets.CreateAsync(Context(tenant), new Widget { Name = "Race", Amount = 0 });

        var outcomes = await Task.WhenAll(Enumerable.Range(1, 6).Select(i => Task.Run(async () =>
        {
            try
            {
                await Widgets.UpdateAsync(Context(tenant), created.Id, created.Version, w => ValueTask.FromResult(w with { Amount = i }));
                return true;
            }
            catch (PreconditionFailedException)
            {
                return false;
            }
        })));

        Assert.Single(outcomes, won => won);
        await IndexInvariants.AssertAgreeAsync(Widgets, tenant);
    }

    [Fact]
    public async Task ParallelCreatesOfOneNameLetExactlyOneWin()
    {
        var tenant = NewTenant();

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 6).Select(i => Task.Run(async () =>
        {
            try
            {
                return (await Widgets.CreateAsync(Context(tenant), new Widget { Name = i % 2 == 0 ? "Twin" : "ＴＷＩＮ" })).Id;
            }
            catch (ConflictException e) when (e.Code == WidgetType.DuplicateName)
            {
                return null;
            }
        })));

        var winner = Assert.Single(outcomes, id => id is not null);
        var rows = await StorageFixture.RowsAsync(Widgets.Table, tenant);
        Assert.Equal([RowKeys.Record(winner!)], rows.Keys.Where(k => k.StartsWith("r~", StringComparison.Ordinal)));
        Assert.Single(rows.Keys, k => k.StartsWith("o~", StringComparison.Ordinal));
        await IndexInvariants.AssertAgreeAsync(Widgets, tenant);
    }

    [Fact]
    public async Task ParallelUpdateAndDeleteLeaveAConsistentPartition()
    {
        var tenant = NewTenant();
        var ids = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            ids.Add((await Widgets.CreateAsync(Context(tenant), new Widget { Name = $"Item {i}", Status = "open" })).Id);
        }

        await Task.WhenAll(ids.SelectMany(id => new[]
        {
            Task.Run(() => Widgets.UpdateAsync(Context(tenant), id, null, w => ValueTask.FromResult(w with { Status = "won", Amount = 7 }))),
            Task.Run(() => Widgets.DeleteAsync(Context(tenant), id, null)),
        }).Select(async t =>
        {
            try
            {
                await t;
            }
            catch (NotFoundException)
            {
                // The delete won and the update found the record gone: a correct outcome.
            }
        }));

        await IndexInvariants.AssertAgreeAsync(Widgets, tenant);
        foreach (var id in ids)
        {
            Assert.Null(await Widgets.FindAsync(tenant, id));
        }
    }
}
