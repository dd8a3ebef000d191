using Azure.Storage.Queues;
using Crm.Storage.Triggers;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Crm.UnitTests.Triggers;

public sealed class QueueListenerDeliveryTests : IAsyncLifetime
{
    private readonly StorageScope _storage = new();
    private readonly Deliveries _deliveries = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => _storage.DisposeAsync().AsTask();

    [Fact]
    public async Task HandledMessageIsDeleted()
    {
        using var host = StartHost<RecordingHandler>();
        await host.Services.GetRequiredService<IQueueSender>().SendAsync("orders", new OrderPlaced("order-1", "c-1"));

        await Eventually.HoldsAsync(() => _deliveries.Seen.Count == 1, "the handler got the message");
        await Eventually.HoldsAsync(async () => await _storage.CountAsync("orders") == 0, "the message was deleted");
        var delivery = _deliveries.Seen.Single();
        Assert.Equal(new OrderPlaced("order-1", "c-1"), delivery.Message);
        Assert.Equal("orders", delivery.Context.QueueName);
        Assert.Equal(1, delivery.Context.DequeueCount);
        Assert.Equal(0, await _storage.CountAsync("orders-poison"));
    }

    [Fact]
    public async Task MessagesThatCannotBeReadGoToPoisonAtOnce()
    {
        using var host = _storage.BuildHost(s => Register<RecordingHandler>(s));
        var queue = _storage.Queue("orders");
        await queue.CreateIfNotExistsAsync();
        const string notJson = "this is not json";
        const string wrongBody = """{"type":"OrderPlaced","idempotencyKey":"k","dueAt":"2020-01-01T00:00:00Z","body":{"customerId":5}}""";
        const string wrongType = """{"type":"InvoiceSent","idempotencyKey":"k","dueAt":"2020-01-01T00:00:00Z","body":{}}""";
        foreach (var text in new[] { notJson, wrongBody, wrongType })
        {
            await queue.SendMessageAsync(text);
        }
        await host.StartAsync();

        var poison = _storage.Queue("orders-poison");
        await Eventually.HoldsAsync(async () => await _storage.CountAsync("orders-poison") == 3, "all three reached the poison queue");
        var bodies = (await poison.PeekMessagesAsync(maxMessages: 10)).Value.Select(m => m.Body.ToString()).Order().ToList();
        Assert.Equal(new[] { notJson, wrongBody, wrongType }.Order(), bodies);
        await Eventually.HoldsAsync(async () => await _storage.CountAsync("orders") == 0, "the main queue is empty");
        Assert.Empty(_deliveries.Seen);
    }

    [Fact]
    public async Task MessageThatIsNotBase64GoesToPoisonWithoutStallingTheQueue()
    {
        var options = new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 };
        options.MessageDecodingFailed += UndecodableMessages.MoveToPoisonAsync;
        using var host = _storage.BuildHost(s => Register<RecordingHandler>(
            s.AddSingleton(new QueueServiceClient(StorageScope.ConnectionString, options))));
        var raw = new QueueClient(StorageScope.ConnectionString, _storage.QueueName("orders"));
        await raw.CreateIfNotExistsAsync();
        await raw.SendMessageAsync("{ written without Base64 }");
        await host.Services.GetRequiredService<IQueueSender>().SendAsync("orders", new OrderPlaced("order-1", "c-1"));
        await host.StartAsync();

        await Eventually.HoldsAsync(() => _deliveries.Seen.Count == 1, "the good message was handled");
        await Eventually.HoldsAsync(async () => await _storage.CountAsync("orders-poison") == 1, "the bad one reached the poison queue");
        var poisoned = await _storage.Queue("orders-poison").PeekMessageAsync();
        Assert.Equal("{ written without Base64 }", poisoned.Value.Body.ToString());
        await Eventually.HoldsAsync(async () => await _storage.CountAsync("orders") == 0, "the main queue is empty");
    }

    [Fact]
    public async Task RedeliveredMessageIsHandledOnceByAnIdempotentHandler()
    {
        var shipped = new ShippedOrders();
        using var host = StartHost<IdempotentHandler>(s => s.AddSingleton(shipped));
        var sender = host.Services.GetRequiredService<IQueueSender>();

        // At-least-once delivery: the same message can arrive twice, e.g. when a lease ran out mid-handling.
        var order = new OrderPlaced("order-42", "c-7");
        await sender.SendAsync("orders", order);
        await sender.SendAsync("orders", order);

        await Eventually.HoldsAsync(() => _deliveries.Seen.Count == 2, "both deliveries reached the handler");
        await Eventually.HoldsAsync(async () => await _storage.CountAsync("orders") == 0, "both were deleted");
        Assert.Equal(1, shipped.Shipments);
    }

    private IHost StartHost<THandler>(Action<IServiceCollection>? more = null) where THandler : class, IQueueHandler<OrderPlaced>
    {
        var host = _storage.BuildHost(s =>
        {
            Register<THandler>(s);
            more?.Invoke(s);
        });
        host.Start();
        return host;
    }

    private void Register<THandler>(IServiceCollection services) where THandler : class, IQueueHandler<OrderPlaced> =>
        services.AddSingleton(_deliveries).AddQueueHandler<OrderPlaced, THandler>("orders");
}
