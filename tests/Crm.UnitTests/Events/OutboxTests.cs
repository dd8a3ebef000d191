using Crm.Storage.Events;
using Crm.Storage.Records;
using Crm.UnitTests.Records;
using static Crm.UnitTests.Records.StorageFixture;

namespace Crm.UnitTests.Events;

public sealed class OutboxTests(StorageFixture storage) : IClassFixture<StorageFixture>
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 1, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task EveryWriteLeavesExactlyOneOutboxEvent()
    {
        var tenant = NewTenant();
        var widgets = storage.Widgets;
        var steps = new (string Type, Func<string?, Task<string>> Write)[]
        {
            ("crm.widget.created", async _ => (await widgets.CreateAsync(Context(tenant, T0, "alice"), new Widget { Name = "Evented", OwnerId = "o1", Amount = 1 })).Id),
            ("crm.widget.updated", async id => (await widgets.UpdateAsync(Context(tenant, T0.AddMinutes(1), "alice"), id!, null, w => ValueTask.FromResult(w with { Amount = 2 }))).Id),
            ("crm.widget.deleted", async id => { await widgets.DeleteAsync(Context(tenant, T0.AddMinutes(2), "alice"), id!, null); return id!; }),
            ("crm.widget.restored", async id => { await widgets.RestoreAsync(Context(tenant, T0.AddMinutes(3), "alice"), id!); return id!; }),
            ("crm.widget.deleted", async id => { await widgets.DeleteAsync(Context(tenant, T0.AddMinutes(4), "alice"), id!, null); return id!; }),
            ("crm.widget.purged", async id => { await widgets.PurgeAsync(Context(tenant, T0.AddMinutes(5), "alice"), id!); return id!; }),
        };

        string? recordId = null;
        var known = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < steps.Length; i++)
        {
            recordId = await steps[i].Write(recordId);

            var outbox = await EventAssertions.OutboxAsync(widgets.Table, tenant);
            Assert.Equal(i + 1, outbox.Count);
            Assert.Equal(i + 1, storage.Notifier.For(tenant));
            var added = Assert.Single(outbox, e => !known.Contains(e.Id));
            known.Add(added.Id);
            Assert.Equal(steps[i].Type, added.Type);
            Assert.Equal($"widgets/{recordId}", added.Subject);
            Assert.Equal(tenant, added.TenantId);
            Assert.Equal($"/tenants/{tenant}", added.Source);
            Assert.Equal("alice", added.Actor);
            Assert.Equal(T0.AddMinutes(i), added.Time);
            Assert.Equal("1.0", added.SpecVersion);
            Assert.Equal("widget", added.Data.RecordType);
            Assert.Equal(recordId, added.Data.RecordId);
            Assert.Equal("o1", added.Data.OwnerId);
        }

        var update = Assert.Single(await EventAssertions.OutboxAsync(widgets.Table, tenant), e => e.Type == "crm.widget.updated");
        Assert.Equal(["amount"], update.Data.Changes.Keys);
        Assert.Equal(1, update.Data.Changes["amount"].Before!.GetValue<decimal>());
        Assert.Equal(2, update.Data.Changes["amount"].After!.GetValue<decimal>());
    }

    [Fact]
    public async Task EventIdIsTheAuditEntryId()
    {
        var tenant = NewTenant();
        var created = await storage.Widgets.CreateAsync(Context(tenant, T0), new Widget { Name = "Linked" });

        var e = Assert.Single(await EventAssertions.OutboxAsync(storage.Widgets.Table, tenant));
        var entry = Assert.Single((await storage.Audit.QueryAsync(tenant, new AuditQuery("widget", created.Id, null, null, null, 5, null), default)).Items);
        Assert.Equal(entry.Id, e.Id);
    }

    [Fact]
    public async Task FailedWritesLeaveNoEvent()
    {
        var tenant = NewTenant();
        var created = await storage.Widgets.CreateAsync(Context(tenant, T0), new Widget { Name = "Only" });

        await Assert.ThrowsAnyAsync<Exception>(() => storage.Widgets.CreateAsync(Context(tenant, T0), new Widget { Name = "only" }));
        await Assert.ThrowsAnyAsync<Exception>(() => storage.Widgets.UpdateAsync(Context(tenant, T0), created.Id, "stale", w => ValueTask.FromResult(w with { Amount = 1 })));
        await storage.Widgets.UpdateAsync(Context(tenant, T0), created.Id, null, w => ValueTask.FromResult(w));

        Assert.Single(await EventAssertions.OutboxAsync(storage.Widgets.Table, tenant));
        Assert.Equal(1, storage.Notifier.For(tenant));
    }

    [Fact]
    public async Task EventsOfRecordsWithoutOwnerHaveNone()
    {
        var tenant = NewTenant();
        await storage.Gadgets.CreateAsync(Context(tenant, T0), new Gadget { Label = "Unowned" });

        var e = Assert.Single(await EventAssertions.OutboxAsync(storage.Gadgets.Table, tenant));
        Assert.Equal("crm.gadget.created", e.Type);
        Assert.StartsWith("gadgets/", e.Subject, StringComparison.Ordinal);
        Assert.Null(e.Data.OwnerId);
    }
}
