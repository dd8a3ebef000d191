using Crm.Storage.Triggers;
using Microsoft.Extensions.DependencyInjection;

namespace Crm.UnitTests.Triggers;

public sealed class QueueLeaseTests : IAsyncLifetime
{
    private readonly StorageScope _storage = new();
    private readonly Deliveries _deliveries = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => _storage.DisposeAsync().AsTask();

    [Fact]
    public async Task LeaseIsRenewedWhileASlowHandlerRuns()
    {
        // The handler outlives the 6 s lease; without renewal the message would be received a second time.
        // Renewals come every 3 s, so one that a busy CI machine (Azurite shared by the whole parallel
        // suite) delays by up to 3 s still lands before the lease runs out; at 3 s / 1.5 s CI saw one miss.
        var finished = new TaskCompletionSource();
        _deliveries.Behaviour = async (_, _, cancellationToken) =>
        {
            await Task.Delay(TimeSpan.FromSeconds(8), cancellationToken);
            finished.TrySetResult();
        };
        using var host = _storage.BuildHost(s => s.AddSingleton(_deliveries)
            .AddQueueHandler<OrderPlaced, RecordingHandler>("orders")
            .Configure<QueueOptions>(o => o.LeaseDuration = TimeSpan.FromSeconds(6)));
        await host.StartAsync();
        await host.Services.GetRequiredService<IQueueSender>().SendAsync("orders", new OrderPlaced("order-1", "c-1"));

        await finished.Task.WaitAsync(TimeSpan.FromSeconds(20));
        await Eventually.HoldsAsync(async () => await _storage.CountAsync("orders") == 0, "the message was deleted with the renewed receipt");
        Assert.Single(_deliveries.Seen);
    }
}
