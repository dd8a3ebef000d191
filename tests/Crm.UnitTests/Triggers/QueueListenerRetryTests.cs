using System.Text.Json;
using Crm.Storage.Triggers;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Crm.UnitTests.Triggers;

public sealed class QueueListenerRetryTests : IAsyncLifetime
{
    private readonly StorageScope _storage = new();
    private readonly Deliveries _deliveries = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => _storage.DisposeAsync().AsTask();

    [Fact]
    public async Task FailedMessageComesBackAfterVisibilityTimeoutWithAHigherDequeueCount()
    {
        _deliveries.Behaviour = (_, context, _) => context.DequeueCount == 1
            ? throw new InvalidOperationException("first attempt fails")
            : Task.CompletedTask;
        using var host = BuildHost(new() { ["AzureFunctionsJobHost:extensions:queues:visibilityTimeout"] = "00:00:02" });
        await host.StartAsync();
        await host.Services.GetRequiredService<IQueueSender>().SendAsync("orders", new OrderPlaced("order-1", "c-1"));

        await Eventually.HoldsAsync(() => _deliveries.Seen.Count == 2, "the message was retried");
        await Eventually.HoldsAsync(async () => await _storage.CountAsync("orders") == 0, "the retry succeeded and deleted it");
        var (first, second) = (_deliveries.Seen[0], _deliveries.Seen[1]);
        Assert.Equal([1L, 2L], [first.Context.DequeueCount, second.Context.DequeueCount]);
        Assert.Equal(first.Context.MessageId, second.Context.MessageId);
        Assert.InRange(second.At - first.At, TimeSpan.FromSeconds(1.5), TimeSpan.FromSeconds(8));
    }

    [Fact]
    public async Task MessageMovesToPoisonQueueAfterMaxDequeueCount()
    {
        _deliveries.Behaviour = (_, _, _) => throw new InvalidOperationException("always fails");
        using var host = BuildHost(new() { ["AzureFunctionsJobHost:extensions:queues:maxDequeueCount"] = "3" });
        await host.Services.GetRequiredService<IQueueSender>().SendAsync("orders", new OrderPlaced("order-1", "c-1"));
        var sent = (await _storage.Queue("orders").PeekMessageAsync()).Value.Body.ToString();
        await host.StartAsync();

        await Eventually.HoldsAsync(async () => await _storage.CountAsync("orders-poison") == 1, "the message reached the poison queue");
        Assert.Equal([1L, 2L, 3L], _deliveries.Seen.Select(d => d.Context.DequeueCount));
        Assert.Equal(0, await _storage.CountAsync("orders"));
        var poisoned = (await _storage.Queue("orders-poison").PeekMessageAsync()).Value.Body.ToString();
        Assert.Equal(sent, poisoned);
        using var envelope = JsonDocument.Parse(poisoned);
        Assert.Equal("OrderPlaced", envelope.RootElement.GetProperty("type").GetString());
        Assert.Equal("order-1", envelope.RootElement.GetProperty("idempotencyKey").GetString());
        Assert.Equal("c-1", envelope.RootElement.GetProperty("body").GetProperty("customerId").GetString());
    }

    [Fact]
    public async Task StoppingReleasesAMessageWhoseHandlerIsCancelled()
    {
        _deliveries.Behaviour = (_, _, cancellationToken) => Task.Delay(Timeout.Infinite, cancellationToken);
        using var host = BuildHost(new(), s => s.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromMilliseconds(300)));
        await host.StartAsync();
        await host.Services.GetRequiredService<IQueueSender>().SendAsync("orders", new OrderPlaced("order-1", "c-1"));
        await Eventually.HoldsAsync(() => _deliveries.Seen.Count == 1, "the handler started");

        await host.StopAsync();

        // The lease is 30 s; the message is visible again at once only because it was released.
        var visible = await _storage.Queue("orders").PeekMessagesAsync();
        Assert.Single(visible.Value);
    }

    private IHost BuildHost(Dictionary<string, string?> settings, Action<IServiceCollection>? more = null) =>
        _storage.BuildHost(s =>
        {
            s.AddSingleton(_deliveries).AddQueueHandler<OrderPlaced, RecordingHandler>("orders");
            more?.Invoke(s);
        }, settings);
}
