using Crm.Storage.Triggers;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Crm.UnitTests.Triggers;

public sealed class QueueDelayTests : IAsyncLifetime
{
    private static readonly TimeSpan Delay = TimeSpan.FromSeconds(3);

    private readonly StorageScope _storage = new();
    private readonly Deliveries _deliveries = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => _storage.DisposeAsync().AsTask();

    [Fact]
    public async Task DelayedMessageIsNotHandledBeforeItIsDue()
    {
        using var host = StartHost(_ => { });
        var sentAt = DateTimeOffset.UtcNow;
        await host.Services.GetRequiredService<IQueueSender>().SendAsync("orders", new OrderPlaced("order-1", "c-1"), Delay);

        await Eventually.HoldsAsync(() => _deliveries.Seen.Count == 1, "the delayed message was handled");
        Assert.True(_deliveries.Seen[0].At >= sentAt + Delay, $"handled {_deliveries.Seen[0].At - sentAt} after sending");
    }

    [Fact]
    public async Task MessageDueBeyondTheLongestDelayHopsUntilDue()
    {
        // A 1 s horizon stands in for the 6 days of production: the 3 s delay needs several hops.
        using var host = StartHost(s => s.Configure<QueueOptions>(o => o.MaxMessageDelay = TimeSpan.FromSeconds(1)));
        var sentAt = DateTimeOffset.UtcNow;
        await host.Services.GetRequiredService<IQueueSender>().SendAsync("orders", new OrderPlaced("order-1", "c-1"), Delay);

        await Eventually.HoldsAsync(() => _deliveries.Seen.Count == 1, "the message was handled after its hops");
        await Eventually.HoldsAsync(async () => await _storage.CountAsync("orders") == 0, "no copy is left behind");
        var handledAfter = _deliveries.Seen[0].At - sentAt;
        Assert.True(handledAfter >= Delay - MessageSchedule.EarlyTolerance, $"handled {handledAfter} after sending");
        Assert.Single(_deliveries.Seen);
    }

    private IHost StartHost(Action<IServiceCollection> more)
    {
        var host = _storage.BuildHost(s =>
        {
            s.AddSingleton(_deliveries).AddQueueHandler<OrderPlaced, RecordingHandler>("orders");
            more(s);
        });
        host.Start();
        return host;
    }
}
