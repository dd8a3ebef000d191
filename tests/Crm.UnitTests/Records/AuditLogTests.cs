using System.Text.Json.Nodes;
using Crm.Domain.Common;
using Crm.Storage.Records;
using static Crm.UnitTests.Records.StorageFixture;

namespace Crm.UnitTests.Records;

public sealed class AuditLogTests(StorageFixture storage) : IClassFixture<StorageFixture>
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 1, 9, 0, 0, TimeSpan.Zero);

    private static DateTimeOffset T(int minutes) => T0.AddMinutes(minutes);

    /// <summary>
    /// t0 alice creates widget A; t1 bob updates A; t2 carol creates gadget G; t3 alice deletes A;
    /// t4 bob restores A; t5 alice updates G.
    /// </summary>
    private async Task<(string Tenant, Widget A, Gadget G)> HistoryAsync()
    {
        var tenant = NewTenant();
        var a = await storage.Widgets.CreateAsync(Context(tenant, T(0), "alice"), new Widget { Name = "A", Amount = 1 });
        await storage.Widgets.UpdateAsync(Context(tenant, T(1), "bob"), a.Id, null,
            w => ValueTask.FromResult(w with { Amount = 2, CustomFields = new JsonObject { ["level"] = "gold" } }));
        var g = await storage.Gadgets.CreateAsync(Context(tenant, T(2), "carol"), new Gadget { Label = "G" });
        await storage.Widgets.DeleteAsync(Context(tenant, T(3), "alice"), a.Id, null);
        await storage.Widgets.RestoreAsync(Context(tenant, T(4), "bob"), a.Id);
        await storage.Gadgets.UpdateAsync(Context(tenant, T(5), "alice"), g.Id, null, x => ValueTask.FromResult(x with { Label = "G2" }));
        return (tenant, a, g);
    }

    private Task<Page<AuditEntry>> Query(string tenant, string? type = null, string? id = null, string? actor = null,
        DateTimeOffset? from = null, DateTimeOffset? to = null, int limit = 50, string? cursor = null) =>
        storage.Audit.QueryAsync(tenant, new AuditQuery(type, id, actor, from, to, limit, cursor), default);

    [Fact]
    public async Task ListsEveryChangeOfEveryTypeNewestFirst()
    {
        var (tenant, a, g) = await HistoryAsync();

        var page = await Query(tenant);

        Assert.Null(page.NextCursor);
        Assert.Equal([T(5), T(4), T(3), T(2), T(1), T(0)], page.Items.Select(e => e.Time));
        Assert.Equal(
            [("gadget", AuditAction.Updated), ("widget", AuditAction.Restored), ("widget", AuditAction.Deleted), ("gadget", AuditAction.Created), ("widget", AuditAction.Updated), ("widget", AuditAction.Created)],
            page.Items.Select(e => (e.RecordType, e.Action)));
        Assert.Equal([g.Id, a.Id, a.Id, g.Id, a.Id, a.Id], page.Items.Select(e => e.RecordId));
        Assert.Empty((await Query(NewTenant())).Items);
    }

    [Fact]
    public async Task EntriesCarryWhoWhereAndFieldLevelChanges()
    {
        var (tenant, a, _) = await HistoryAsync();

        var entries = (await Query(tenant, "widget", a.Id)).Items;

        var update = Assert.Single(entries, e => e.Action == AuditAction.Updated);
        Assert.Equal("bob", update.ActorId);
        Assert.Equal("127.0.0.1", update.SourceIp);
        Assert.Equal("A", update.RecordName);
        Assert.Equal(["amount", "customFields.level"], update.Changes.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(1, update.Changes["amount"].Before!.GetValue<decimal>());
        Assert.Equal(2, update.Changes["amount"].After!.GetValue<decimal>());
        Assert.Null(update.Changes["customFields.level"].Before);
        Assert.Equal("gold", update.Changes["customFields.level"].After!.GetValue<string>());
        Assert.False(update.Truncated);

        var created = Assert.Single(entries, e => e.Action == AuditAction.Created);
        Assert.Equal("alice", created.ActorId);
        Assert.Null(created.Changes["name"].Before);
        Assert.Equal("A", created.Changes["name"].After!.GetValue<string>());
        Assert.DoesNotContain("version", created.Changes.Keys);
        Assert.DoesNotContain("updatedAt", created.Changes.Keys);

        var deleted = Assert.Single(entries, e => e.Action == AuditAction.Deleted);
        Assert.Equal("A", deleted.Changes["name"].Before!.GetValue<string>());
        Assert.Null(deleted.Changes["name"].After);
    }

    [Fact]
    public async Task FiltersByTypeRecordAndActor()
    {
        var (tenant, a, g) = await HistoryAsync();

        Assert.Equal([T(4), T(3), T(1), T(0)], (await Query(tenant, "widget")).Items.Select(e => e.Time));
        Assert.Equal([T(5), T(2)], (await Query(tenant, "gadget")).Items.Select(e => e.Time));
        Assert.Equal([T(4), T(3), T(1), T(0)], (await Query(tenant, id: a.Id)).Items.Select(e => e.Time));
        Assert.Equal([T(5), T(2)], (await Query(tenant, "gadget", g.Id)).Items.Select(e => e.Time));
        Assert.Empty((await Query(tenant, "gadget", a.Id)).Items);
        Assert.Equal([T(5), T(3), T(0)], (await Query(tenant, actor: "alice")).Items.Select(e => e.Time));
        Assert.Equal([T(3), T(0)], (await Query(tenant, "widget", a.Id, "alice")).Items.Select(e => e.Time));
        Assert.Empty((await Query(tenant, actor: "nobody")).Items);
    }

    [Fact]
    public async Task FiltersByPeriodWithBothEndsIncluded()
    {
        var (tenant, a, _) = await HistoryAsync();

        Assert.Equal([T(3), T(2), T(1)], (await Query(tenant, from: T(1), to: T(3))).Items.Select(e => e.Time));
        Assert.Equal([T(5), T(4)], (await Query(tenant, from: T(4))).Items.Select(e => e.Time));
        Assert.Equal([T(1), T(0)], (await Query(tenant, to: T(1).AddSeconds(30))).Items.Select(e => e.Time));
        Assert.Equal([T(4), T(3)], (await Query(tenant, "widget", a.Id, from: T(2), to: T(4))).Items.Select(e => e.Time));
        Assert.Empty((await Query(tenant, from: T(6))).Items);
    }

    [Fact]
    public async Task PagesThroughTheLogWithoutGapsOrRepeats()
    {
        var (tenant, _, _) = await HistoryAsync();

        var times = new List<DateTimeOffset>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var page = await Query(tenant, limit: 2, cursor: cursor);
            Assert.InRange(page.Items.Count, 0, 2);
            times.AddRange(page.Items.Select(e => e.Time));
            cursor = page.NextCursor;
        }
        while (cursor is not null && ++pages < 20);

        Assert.Equal([T(5), T(4), T(3), T(2), T(1), T(0)], times);
    }

    [Fact]
    public async Task PagesThroughOneActorsEntriesAmongMany()
    {
        var tenant = NewTenant();
        for (var i = 0; i < 14; i++)
        {
            var actor = i % 3 == 0 ? "alice" : "bob";
            if (i % 2 == 0)
            {
                await storage.Widgets.CreateAsync(Context(tenant, T(i), actor), new Widget { Name = $"W{i}" });
            }
            else
            {
                await storage.Gadgets.CreateAsync(Context(tenant, T(i), actor), new Gadget { Label = $"G{i}" });
            }
        }

        var times = new List<DateTimeOffset>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var page = await Query(tenant, actor: "alice", limit: 2, cursor: cursor);
            times.AddRange(page.Items.Select(e => e.Time));
            cursor = page.NextCursor;
        }
        while (cursor is not null && ++pages < 30);

        Assert.Equal(Enumerable.Range(0, 14).Where(i => i % 3 == 0).Reverse().Select(T), times);
    }

    [Fact]
    public async Task CursorBelongsToItsQueryAndUnknownTypesAreRefused()
    {
        var (tenant, _, _) = await HistoryAsync();
        var page = await Query(tenant, limit: 1);

        var e = await Assert.ThrowsAsync<ValidationException>(() => Query(tenant, actor: "alice", limit: 1, cursor: page.NextCursor));
        Assert.Equal("cursor.invalid", e.Code);
        await Assert.ThrowsAsync<ValidationException>(() => Query(tenant, "customer"));
    }
}
