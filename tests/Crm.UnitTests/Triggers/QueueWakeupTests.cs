using System.Diagnostics;
using Crm.Storage.Triggers;
using Microsoft.Extensions.DependencyInjection;

namespace Crm.UnitTests.Triggers;

public sealed class QueueWakeupTests : IAsyncLifetime
{
    private readonly StorageScope _storage = new();
    private readonly Deliveries _deliveries = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => _storage.DisposeAsync().AsTask();

    [Fact]
    public async Task SendingInProcessWakesAnIdleListenerAtOnce()
    {
        using var host = _storage.BuildHost(
            s => s.AddSingleton(_deliveries).AddQueueHandler<OrderPlaced, RecordingHandler>("orders")
                .Configure<QueueOptions>(o => o.MinPollingInterval = o.MaxPollingInterval = TimeSpan.FromSeconds(30)));
        await host.StartAsync();
        var wakeups = host.Services.GetRequiredService<QueueWakeups>();
        // Once the listener has found the queue empty it sleeps for 30 s unless woken.
        await Eventually.HoldsAsync(() => wakeups.IsWaiting(_storage.QueueName("orders")), "the listener went idle");

        var clock = Stopwatch.StartNew();
        await host.Services.GetRequiredService<IQueueSender>().SendAsync("orders", new OrderPlaced("order-1", "c-1"));

        await Eventually.HoldsAsync(() => _deliveries.Seen.Count == 1, "the woken listener handled the message", TimeSpan.FromSeconds(5));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"took {clock.Elapsed}");
    }
}
