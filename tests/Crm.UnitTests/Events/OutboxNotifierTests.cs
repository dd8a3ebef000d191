using System.Threading.Channels;
using Crm.Storage.Events;
using Crm.Storage.Triggers;
using Microsoft.Extensions.Logging.Abstractions;

namespace Crm.UnitTests.Events;

public sealed class OutboxNotifierTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    /// <summary>Records what would go to the queues; can be told to fail.</summary>
    private sealed class RecordingSender : IQueueSender
    {
        public Channel<(string Queue, DispatchOutbox Message)> Sent { get; } = Channel.CreateUnbounded<(string, DispatchOutbox)>();

        public int Failures { get; set; }

        public Task SendAsync<TMessage>(string queueName, TMessage message, TimeSpan? delay = null, CancellationToken cancellationToken = default)
            where TMessage : IQueueMessage
        {
            if (Failures > 0)
            {
                Failures--;
                throw new InvalidOperationException("queue down");
            }
            Sent.Writer.TryWrite((queueName, (DispatchOutbox)(object)message));
            return Task.CompletedTask;
        }

        public async Task<(string Queue, DispatchOutbox Message)> NextAsync()
        {
            using var timeout = new CancellationTokenSource(Patience);
            return await Sent.Reader.ReadAsync(timeout.Token);
        }
    }

    [Fact]
    public async Task BurstOfWritesOfOneTenantSendsOneDispatchMessage()
    {
        var sender = new RecordingSender();
        var notifier = new OutboxNotifier(sender, NullLogger<OutboxNotifier>.Instance);

        for (var i = 0; i < 50; i++)
        {
            notifier.Notify("t1");
        }
        var (queue, message) = await sender.NextAsync();

        Assert.Equal(OutboxNotifier.QueueName, queue);
        Assert.Equal(new DispatchOutbox("t1"), message);
        Assert.Equal("outbox:t1", message.IdempotencyKey);

        // A write after the send is covered by a new message; by the time it comes, any stray
        // message of the burst would have come too.
        notifier.Notify("t1");
        Assert.Equal("t1", (await sender.NextAsync()).Message.TenantId);
        Assert.False(sender.Sent.Reader.TryRead(out _));
    }

    [Fact]
    public async Task EachTenantGetsItsOwnMessage()
    {
        var sender = new RecordingSender();
        var notifier = new OutboxNotifier(sender, NullLogger<OutboxNotifier>.Instance);

        notifier.Notify("t1");
        notifier.Notify("t2");
        notifier.Notify("t1");

        var tenants = new[] { (await sender.NextAsync()).Message.TenantId, (await sender.NextAsync()).Message.TenantId };
        Assert.Equal(["t1", "t2"], tenants.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task FailedSendIsNotFatalAndTheNextWriteTriesAgain()
    {
        var sender = new RecordingSender { Failures = 1 };
        var notifier = new OutboxNotifier(sender, NullLogger<OutboxNotifier>.Instance);

        notifier.Notify("t1");
        // The failure frees the tenant again: poll until a new notice gets through.
        using var timeout = new CancellationTokenSource(Patience);
        while (!sender.Sent.Reader.TryRead(out _))
        {
            notifier.Notify("t1");
            await Task.Delay(20, timeout.Token);
        }
        Assert.Equal(0, sender.Failures);
    }
}
