using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Crm.Storage.Triggers;

/// <summary>
/// Takes one received message to its end: handled and deleted, sent round again (not yet due),
/// made visible again for a retry, or moved to <c>{queue}-poison</c>.
/// </summary>
internal sealed class QueueDelivery(
    QueueBinding binding,
    string queueName,
    QueueClients queues,
    QueueOptions options,
    IServiceScopeFactory scopes,
    TimeProvider time,
    ILogger logger)
{
    public string PoisonQueueName { get; } = queueName + "-poison";

    public async Task ProcessAsync(QueueClient queue, QueueMessage message, CancellationToken handlerToken)
    {
        var lease = new MessageLease(queue, message, options.LeaseDuration, time, logger);
        try
        {
            if (!TryRead(message, out var envelope, out var body, out var error))
            {
                await PoisonAsync(lease, message, error);
            }
            else if (message.DequeueCount > options.MaxDequeueCount)
            {
                // Received this often without an outcome: the process died while handling it, maybe because of it.
                await PoisonAsync(lease, message, $"dequeued {message.DequeueCount} times without completing");
            }
            else if (MessageSchedule.ShouldHop(envelope.DueAt, time.GetUtcNow()))
            {
                var delay = MessageSchedule.SendDelay(envelope.DueAt, time.GetUtcNow(), options.MaxMessageDelay);
                await queues.SendAsync(queueName, message.Body, delay, CancellationToken.None);
                await lease.DeleteAsync();
                logger.LogDebug("Message {MessageId} in {Queue} is due at {DueAt}; sent round again", message.MessageId, queueName, envelope.DueAt);
            }
            else
            {
                await HandleAsync(lease, message, body, handlerToken);
            }
        }
        catch (Exception ex)
        {
            // Storage failed while completing; the lease runs out and the message comes back.
            logger.LogError(ex, "Could not complete message {MessageId} in {Queue}", message.MessageId, queueName);
        }
    }

    private async Task HandleAsync(MessageLease lease, QueueMessage message, IQueueMessage body, CancellationToken handlerToken)
    {
        var context = new QueueMessageContext(binding.QueueName, message.MessageId, message.DequeueCount, message.InsertedOn);
        Exception? failure = null;
        try
        {
            await lease.RenewWhileAsync(async () =>
            {
                await using var scope = scopes.CreateAsyncScope();
                await binding.InvokeAsync(scope.ServiceProvider, body, context, handlerToken);
            });
        }
        catch (Exception ex)
        {
            failure = ex;
        }

        if (failure is null)
        {
            await lease.DeleteAsync();
        }
        else if (failure is OperationCanceledException && handlerToken.IsCancellationRequested)
        {
            logger.LogWarning("Shutting down: released message {MessageId} in {Queue} for another receiver", message.MessageId, queueName);
            await lease.ReleaseAsync(TimeSpan.Zero);
        }
        else if (message.DequeueCount >= options.MaxDequeueCount)
        {
            logger.LogError(failure, "{Handler} failed on message {MessageId} in {Queue}, attempt {Attempt} of {MaxAttempts}",
                binding.HandlerName, message.MessageId, queueName, message.DequeueCount, options.MaxDequeueCount);
            await PoisonAsync(lease, message, failure.Message);
        }
        else
        {
            logger.LogWarning(failure, "{Handler} failed on message {MessageId} in {Queue}, attempt {Attempt} of {MaxAttempts}; retrying in {Delay}",
                binding.HandlerName, message.MessageId, queueName, message.DequeueCount, options.MaxDequeueCount, options.VisibilityTimeout);
            await lease.ReleaseAsync(options.VisibilityTimeout);
        }
    }

    private bool TryRead(QueueMessage message, [NotNullWhen(true)] out MessageEnvelope? envelope,
        [NotNullWhen(true)] out IQueueMessage? body, [NotNullWhen(false)] out string? error)
    {
        body = null;
        if (!MessageEnvelope.TryParse(message.Body, out envelope, out error))
        {
            return false;
        }
        if (envelope.Type != binding.MessageType)
        {
            error = $"type {envelope.Type} is not {binding.MessageType}, the only type on this queue";
            return false;
        }
        try
        {
            body = binding.ReadBody(envelope.Body);
            error = body is null ? "empty body" : null;
        }
        catch (Exception ex) when (ex is JsonException or NotSupportedException)
        {
            error = $"body is not a {binding.MessageType}: {ex.Message}";
        }
        return body is not null;
    }

    private async Task PoisonAsync(MessageLease lease, QueueMessage message, string reason)
    {
        logger.LogError("Moving message {MessageId} from {Queue} to {PoisonQueue}: {Reason}", message.MessageId, queueName, PoisonQueueName, reason);
        await queues.SendAsync(PoisonQueueName, message.Body, TimeSpan.Zero, CancellationToken.None);
        await lease.DeleteAsync();
    }
}
