using System.Collections.Concurrent;
using Crm.Storage.Triggers;

namespace Crm.UnitTests.Triggers;

internal sealed record OrderPlaced(string IdempotencyKey, string CustomerId) : IQueueMessage;

internal sealed record Delivery(OrderPlaced Message, QueueMessageContext Context, DateTimeOffset At);

/// <summary>What the test handler saw, and what it should do next; a singleton shared with the test.</summary>
internal sealed class Deliveries
{
    private readonly ConcurrentQueue<Delivery> _seen = new();

    public IReadOnlyList<Delivery> Seen => [.. _seen];

    public Func<OrderPlaced, QueueMessageContext, CancellationToken, Task> Behaviour { get; set; } = (_, _, _) => Task.CompletedTask;

    public Task RecordAsync(OrderPlaced message, QueueMessageContext context, CancellationToken cancellationToken)
    {
        _seen.Enqueue(new Delivery(message, context, DateTimeOffset.UtcNow));
        return Behaviour(message, context, cancellationToken);
    }
}

internal sealed class RecordingHandler(Deliveries deliveries) : IQueueHandler<OrderPlaced>
{
    public Task HandleAsync(OrderPlaced message, QueueMessageContext context, CancellationToken cancellationToken) =>
        deliveries.RecordAsync(message, context, cancellationToken);
}

/// <summary>The idempotency pattern: remember handled keys, do the work only for a new one.</summary>
internal sealed class ShippedOrders
{
    public ConcurrentDictionary<string, byte> HandledKeys { get; } = new();

    public int Shipments;
}

internal sealed class IdempotentHandler(ShippedOrders shipped, Deliveries deliveries) : IQueueHandler<OrderPlaced>
{
    public async Task HandleAsync(OrderPlaced message, QueueMessageContext context, CancellationToken cancellationToken)
    {
        await deliveries.RecordAsync(message, context, cancellationToken);
        if (shipped.HandledKeys.TryAdd(message.IdempotencyKey, 0))
        {
            Interlocked.Increment(ref shipped.Shipments);
        }
    }
}
