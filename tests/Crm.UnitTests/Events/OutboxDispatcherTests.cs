using Crm.Storage.Events;
using Crm.UnitTests.Records;
using static Crm.UnitTests.Records.StorageFixture;

namespace Crm.UnitTests.Events;

public sealed class OutboxDispatcherTests(StorageFixture storage) : IClassFixture<StorageFixture>
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 1, 9, 0, 0, TimeSpan.Zero);

    /// <summary>Writes <paramref name="count"/> changes, a second apart, alternating widgets and gadgets (or widgets only).</summary>
    private async Task WriteAsync(string tenant, int count, int offset = 0, bool widgetsOnly = false)
    {
        for (var i = offset; i < offset + count; i++)
        {
            var at = T0.AddSeconds(i);
            if (widgetsOnly || i % 2 == 0)
            {
                await storage.Widgets.CreateAsync(Context(tenant, at), new Widget { Name = $"W{i}" });
            }
            else
            {
                await storage.Gadgets.CreateAsync(Context(tenant, at), new Gadget { Label = $"G{i}" });
            }
        }
    }

    private async Task<List<ChangeEvent>> PendingAsync(string tenant) =>
        [.. await EventAssertions.OutboxAsync(storage.Widgets.Table, tenant), .. await EventAssertions.OutboxAsync(storage.Gadgets.Table, tenant)];

    [Fact]
    public async Task DispatchMovesEveryOutboxEventIntoTheFeedAndClearsTheOutboxes()
    {
        var tenant = NewTenant();
        await WriteAsync(tenant, 6);
        var pending = await PendingAsync(tenant);

        var moved = await storage.Dispatcher.DispatchAsync(tenant, default);

        Assert.Equal(6, moved);
        Assert.Empty(await PendingAsync(tenant));
        var feed = await EventAssertions.ReadAllAsync(storage.Feed, tenant);
        Assert.Equal(pending.Select(e => e.Id).Order(StringComparer.Ordinal), feed.Select(e => e.Id).Order(StringComparer.Ordinal));
        Assert.Equal(pending.Select(e => e.Type).Order(StringComparer.Ordinal), feed.Select(e => e.Type).Order(StringComparer.Ordinal));
        await EventAssertions.AssertGapFreeAsync(storage.Feed, tenant, 6);
    }

    [Fact]
    public async Task DispatchingTwiceDoesNotDuplicate()
    {
        var tenant = NewTenant();
        await WriteAsync(tenant, 3);

        await storage.Dispatcher.DispatchAsync(tenant, default);
        var again = await storage.Dispatcher.DispatchAsync(tenant, default);

        Assert.Equal(0, again);
        Assert.Equal(3, (await EventAssertions.ReadAllAsync(storage.Feed, tenant)).Count);
        await EventAssertions.AssertGapFreeAsync(storage.Feed, tenant, 3);
    }

    [Fact]
    public async Task CrashBetweenPublishingAndClearingDoesNotDuplicate()
    {
        var tenant = NewTenant();
        await WriteAsync(tenant, 5);
        // A dispatcher published these, then died before it deleted the outbox rows.
        await storage.Feed.PublishAsync(tenant, await EventAssertions.OutboxAsync(storage.Widgets.Table, tenant), default);

        await storage.Dispatcher.DispatchAsync(tenant, default);

        Assert.Empty(await PendingAsync(tenant));
        Assert.Equal(5, (await EventAssertions.ReadAllAsync(storage.Feed, tenant)).Count);
        await EventAssertions.AssertGapFreeAsync(storage.Feed, tenant, 5);
    }

    [Fact]
    public async Task DispatchesMoreEventsThanOneBatchHolds()
    {
        var tenant = NewTenant();
        await WriteAsync(tenant, EventFeed.MaxBatch + 6, widgetsOnly: true);
        await WriteAsync(tenant, 3, 1000);

        var moved = await storage.Dispatcher.DispatchAsync(tenant, default);

        Assert.Equal(EventFeed.MaxBatch + 9, moved);
        Assert.Empty(await PendingAsync(tenant));
        await EventAssertions.AssertGapFreeAsync(storage.Feed, tenant, EventFeed.MaxBatch + 9);
    }

    [Fact]
    public async Task TwoDispatchersAtOnceGiveAGapFreeFeedWithoutDuplicates()
    {
        var tenant = NewTenant();
        var written = 0;
        for (var round = 0; round < 2; round++)
        {
            // More than one batch in the widgets' outbox, so the dispatchers overlap in several steps.
            await WriteAsync(tenant, EventFeed.MaxBatch + 5, written, widgetsOnly: true);
            written += EventFeed.MaxBatch + 5;

            await Task.WhenAll(
                Task.Run(() => storage.Dispatcher.DispatchAsync(tenant, default)),
                Task.Run(() => storage.Dispatcher.DispatchAsync(tenant, default)));

            Assert.Empty(await PendingAsync(tenant));
            await EventAssertions.AssertGapFreeAsync(storage.Feed, tenant, written);
        }
        Assert.Equal(written, (await EventAssertions.ReadAllAsync(storage.Feed, tenant)).Select(e => e.Id).Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public async Task DispatchersRacingWithWritersLoseAndDuplicateNothing()
    {
        var tenant = NewTenant();
        using var done = new CancellationTokenSource();
        async Task DispatchLoop()
        {
            while (!done.IsCancellationRequested)
            {
                await storage.Dispatcher.DispatchAsync(tenant, default);
            }
        }

        var dispatchers = new[] { Task.Run(DispatchLoop), Task.Run(DispatchLoop) };
        await Task.WhenAll(Task.Run(() => WriteAsync(tenant, 25)), Task.Run(() => WriteAsync(tenant, 25, 1000)));
        await done.CancelAsync();
        await Task.WhenAll(dispatchers);
        await storage.Dispatcher.DispatchAsync(tenant, default);

        Assert.Empty(await PendingAsync(tenant));
        await EventAssertions.AssertGapFreeAsync(storage.Feed, tenant, 50);
    }

    [Fact]
    public async Task FindsTenantsWithUndispatchedEvents()
    {
        var waiting = NewTenant();
        var dispatched = NewTenant();
        var gadgetsOnly = NewTenant();
        await WriteAsync(waiting, 2);
        await WriteAsync(dispatched, 2);
        await storage.Gadgets.CreateAsync(Context(gadgetsOnly, T0), new Gadget { Label = "Lonely" });
        await storage.Dispatcher.DispatchAsync(dispatched, default);

        var pending = await storage.Dispatcher.TenantsWithPendingAsync(default);

        Assert.Contains(waiting, pending);
        Assert.Contains(gadgetsOnly, pending);
        Assert.DoesNotContain(dispatched, pending);
    }
}
