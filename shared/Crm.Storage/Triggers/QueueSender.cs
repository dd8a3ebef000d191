using Microsoft.Extensions.Options;

namespace Crm.Storage.Triggers;

/// <summary>
/// Wraps messages in the envelope and sends them. Delays past <see cref="QueueOptions.MaxMessageDelay"/>
/// are capped; the envelope keeps the real due time and the listener sends the message round again.
/// </summary>
internal sealed class QueueSender(
    QueueClients queues,
    QueueWakeups wakeups,
    StorageOptions storage,
    IOptions<QueueOptions> options,
    TimeProvider time) : IQueueSender
{
    public async Task SendAsync<TMessage>(string queueName, TMessage message, TimeSpan? delay = null, CancellationToken cancellationToken = default)
        where TMessage : IQueueMessage
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentOutOfRangeException.ThrowIfLessThan(delay ?? TimeSpan.Zero, TimeSpan.Zero, nameof(delay));

        var now = time.GetUtcNow();
        var dueAt = now + (delay ?? TimeSpan.Zero);
        var visibility = MessageSchedule.SendDelay(dueAt, now, options.Value.MaxMessageDelay);
        var fullName = storage.Queue(queueName);
        await queues.SendAsync(fullName, MessageEnvelope.Wrap(message, dueAt).ToBinaryData(), visibility, cancellationToken);

        if (visibility == TimeSpan.Zero)
        {
            wakeups.Signal(fullName);
        }
    }
}
