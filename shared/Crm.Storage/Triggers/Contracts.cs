namespace Crm.Storage.Triggers;

/// <summary>
/// A message on a work queue. Every message carries a stable idempotency key so that a handler
/// receiving it twice (at-least-once delivery) can recognise the repeat, and a due time so that
/// delays longer than the queue's 7-day visibility limit can hop.
/// </summary>
public interface IQueueMessage
{
    string IdempotencyKey { get; }
}

/// <summary>Handles one message type from one queue. Throwing means "retry later"; it never swallows.</summary>
public interface IQueueHandler<in TMessage> where TMessage : IQueueMessage
{
    Task HandleAsync(TMessage message, QueueMessageContext context, CancellationToken cancellationToken);
}

/// <summary>What the runtime knows about a delivery, for logging and idempotency decisions.</summary>
public sealed record QueueMessageContext(string QueueName, string MessageId, long DequeueCount, DateTimeOffset? InsertedOn);

/// <summary>Sends messages to the app's queues and wakes the in-process listener at once.</summary>
public interface IQueueSender
{
    Task SendAsync<TMessage>(string queueName, TMessage message, TimeSpan? delay = null, CancellationToken cancellationToken = default)
        where TMessage : IQueueMessage;
}

/// <summary>A timer job: runs on its cron schedule inside the worker, or once from the command line.</summary>
public interface ITimerJob
{
    Task RunAsync(TimerJobContext context, CancellationToken cancellationToken);
}

/// <summary>
/// <paramref name="ScheduledFor"/> is the occurrence being run (the missed one when catching up);
/// <paramref name="LastRunAt"/> is when the job last completed, if ever.
/// </summary>
public sealed record TimerJobContext(string JobName, DateTimeOffset ScheduledFor, DateTimeOffset? LastRunAt, bool IsCatchUp);
