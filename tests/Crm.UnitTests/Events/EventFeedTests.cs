using Crm.Domain.Common;
using Crm.Storage.Events;
using Crm.UnitTests.Records;
using static Crm.UnitTests.Records.StorageFixture;

namespace Crm.UnitTests.Events;

public sealed class EventFeedTests(StorageFixture storage) : IClassFixture<StorageFixture>
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 1, 9, 0, 0, TimeSpan.Zero);

    private EventFeed Feed => storage.Feed;

    private static ChangeEvent Event(string tenant, DateTimeOffset time, string type = "crm.widget.updated", string? owner = null) => new()
    {
        Id = Ids.New(time),
        Type = type,
        Source = $"/tenants/{tenant}",
        Time = time,
        TenantId = tenant,
        Subject = "widgets/x",
        Actor = "alice",
        Data = new ChangeEventData { RecordType = "widget", RecordId = "x", OwnerId = owner },
    };

    private async Task<(string Tenant, List<ChangeEvent> Events)> PublishedAsync(int count, Func<int, string>? type = null)
    {
        var tenant = NewTenant();
        var events = Enumerable.Range(0, count).Select(i => Event(tenant, T0.AddMinutes(i), type?.Invoke(i) ?? "crm.widget.updated")).ToList();
        await Feed.PublishAsync(tenant, events, default);
        return (tenant, events);
    }

    [Fact]
    public async Task ReadsInPublicationOrderAfterAGivenEvent()
    {
        var (tenant, events) = await PublishedAsync(5);

        var (first, last) = await Feed.ReadAsync(tenant, null, null, 2, null, default);
        Assert.Equal(events.Take(2).Select(e => e.Id), first.Select(e => e.Id));
        Assert.Equal(events[1].Id, last);

        var (rest, end) = await Feed.ReadAsync(tenant, last, null, 10, null, default);
        Assert.Equal(events.Skip(2).Select(e => e.Id), rest.Select(e => e.Id));
        Assert.Equal(events[4].Id, end);

        var (none, stay) = await Feed.ReadAsync(tenant, end, null, 10, null, default);
        Assert.Empty(none);
        Assert.Equal(end, stay);
    }

    [Fact]
    public async Task ReadFiltersByTypeAndVisibility()
    {
        var (tenant, events) = await PublishedAsync(6, i => i % 3 == 0 ? "crm.widget.created" : "crm.widget.updated");

        var (created, last) = await Feed.ReadAsync(tenant, null, new HashSet<string> { "crm.widget.created" }, 10, null, default);
        Assert.Equal([events[0].Id, events[3].Id], created.Select(e => e.Id));
        // The position moves past what the type filter skipped, so the next read does not scan it again.
        Assert.Equal(events[5].Id, last);

        var (limited, _) = await Feed.ReadAsync(tenant, null, new HashSet<string> { "crm.widget.updated" }, 3, null, default);
        Assert.Equal([events[1].Id, events[2].Id, events[4].Id], limited.Select(e => e.Id));

        var (visible, _) = await Feed.ReadAsync(tenant, null, null, 10, e => e.Id != events[2].Id, default);
        Assert.Equal(5, visible.Count);
        Assert.DoesNotContain(events[2].Id, visible.Select(e => e.Id));
    }

    [Fact]
    public async Task UnknownAfterIsRefused()
    {
        var (tenant, events) = await PublishedAsync(1);

        var e = await Assert.ThrowsAsync<ValidationException>(() => Feed.ReadAsync(tenant, Ids.New(), null, 10, null, default));
        Assert.Equal("events.unknown_event", e.Code);
        Assert.Equal(["after"], e.Errors.Keys);
        // An event of another tenant is unknown here too.
        await Assert.ThrowsAsync<ValidationException>(() => Feed.ReadAsync(NewTenant(), events[0].Id, null, 10, null, default));
    }

    [Fact]
    public async Task LaterPublishedEventWithAnOlderIdIsStillSeenAfterTheNewerOne()
    {
        var tenant = NewTenant();
        var older = Event(tenant, T0);
        var newer = Event(tenant, T0.AddSeconds(5));

        await Feed.PublishAsync(tenant, [newer], default);
        var (_, position) = await Feed.ReadAsync(tenant, null, null, 10, null, default);
        await Feed.PublishAsync(tenant, [older], default);

        var (items, _) = await Feed.ReadAsync(tenant, position, null, 10, null, default);
        Assert.Equal([older.Id], items.Select(e => e.Id));
    }

    [Fact]
    public async Task PublishingIsIdempotent()
    {
        var (tenant, events) = await PublishedAsync(3);
        var more = Event(tenant, T0.AddHours(1));

        var ids = await Feed.PublishAsync(tenant, [events[1], more, events[0]], default);
        await Feed.PublishAsync(tenant, events, default);

        Assert.Equal([events[1].Id, more.Id, events[0].Id], ids);
        Assert.Equal([.. events.Select(e => e.Id), more.Id], (await EventAssertions.ReadAllAsync(Feed, tenant)).Select(e => e.Id));
        await EventAssertions.AssertGapFreeAsync(Feed, tenant, 4);
    }

    [Fact]
    public async Task ConcurrentPublishersNumberEveryEventOnce()
    {
        var tenant = NewTenant();
        var events = Enumerable.Range(0, 40).Select(i => Event(tenant, T0.AddSeconds(i))).ToList();

        // Four publishers with overlapping batches.
        await Task.WhenAll(Enumerable.Range(0, 4).Select(p => Task.Run(() => Feed.PublishAsync(tenant, events.Skip(p * 8).Take(16).ToList(), default))));

        await EventAssertions.AssertGapFreeAsync(Feed, tenant, 40);
    }

    [Fact]
    public async Task RefusesBatchesLargerThanOneTransaction()
    {
        var tenant = NewTenant();
        var events = Enumerable.Range(0, EventFeed.MaxBatch + 1).Select(i => Event(tenant, T0.AddSeconds(i))).ToList();

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Feed.PublishAsync(tenant, events, default));
        await Feed.PublishAsync(tenant, events.Take(EventFeed.MaxBatch).ToList(), default);
        await EventAssertions.AssertGapFreeAsync(Feed, tenant, EventFeed.MaxBatch);
    }

    [Fact]
    public async Task TrimRemovesOnlyEventsOlderThanTheRetention()
    {
        var now = new DateTimeOffset(2026, 6, 1, 0, 0, 0, TimeSpan.Zero);
        var tenant = NewTenant();
        var old1 = Event(tenant, now.AddDays(-40));
        var old2 = Event(tenant, now.AddDays(-31));
        var recent = Event(tenant, now.AddDays(-29));
        var fresh = Event(tenant, now.AddMinutes(-1));
        await Feed.PublishAsync(tenant, [old1, old2, recent, fresh], default);
        var other = NewTenant();
        await Feed.PublishAsync(other, [Event(other, now.AddDays(-40))], default);
        storage.Clock.Now = now;

        var removed = await Feed.TrimAsync(tenant, TimeSpan.FromDays(30), default);

        Assert.Equal(2, removed);
        Assert.Equal([recent.Id, fresh.Id], (await EventAssertions.ReadAllAsync(Feed, tenant)).Select(e => e.Id));
        var e = await Assert.ThrowsAsync<ValidationException>(() => Feed.ReadAsync(tenant, old2.Id, null, 10, null, default));
        Assert.Equal("events.unknown_event", e.Code);
        Assert.Equal([fresh.Id], (await Feed.ReadAsync(tenant, recent.Id, null, 10, null, default)).Items.Select(x => x.Id));
        Assert.Single(await EventAssertions.ReadAllAsync(Feed, other));
        Assert.Equal(0, await Feed.TrimAsync(tenant, TimeSpan.FromDays(30), default));

        // Numbering goes on after the trimmed head.
        var later = Event(tenant, now);
        await Feed.PublishAsync(tenant, [later], default);
        Assert.Equal([later.Id], (await Feed.ReadAsync(tenant, fresh.Id, null, 10, null, default)).Items.Select(x => x.Id));
    }

    [Fact]
    public async Task TrimHandlesMoreThanOneTransactionOfOldEvents()
    {
        var now = new DateTimeOffset(2026, 6, 1, 0, 0, 0, TimeSpan.Zero);
        var tenant = NewTenant();
        // Trimming deletes two rows an event, 49 events a transaction.
        var events = Enumerable.Range(0, EventFeed.MaxBatch + 6).Select(i => Event(tenant, now.AddDays(-60).AddMinutes(i))).ToList();
        foreach (var batch in events.Chunk(EventFeed.MaxBatch))
        {
            await Feed.PublishAsync(tenant, batch, default);
        }
        storage.Clock.Now = now;

        Assert.Equal(EventFeed.MaxBatch + 6, await Feed.TrimAsync(tenant, TimeSpan.FromDays(30), default));
        Assert.Empty(await EventAssertions.ReadAllAsync(Feed, tenant));
    }
}
