using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Crm.Storage.Triggers;

/// <summary>
/// The queue trigger of Azure Functions, for one queue: receive a batch under a lease, handle the
/// messages concurrently, fetch again once in-flight work drops to the threshold, and back off
/// while the queue is empty unless a sender in this process says there is work.
/// </summary>
internal sealed class QueueListener(
    QueueBinding binding,
    QueueClients queues,
    QueueWakeups wakeups,
    StorageOptions storage,
    IOptions<QueueOptions> queueOptions,
    IOptions<TriggerOptions> triggerOptions,
    IServiceScopeFactory scopes,
    TimeProvider time,
    ILogger<QueueListener> logger) : BackgroundService
{
    /// <summary>After the host stops waiting, how long cancelled handlers get to hand their messages back.</summary>
    private static readonly TimeSpan ReleaseGrace = TimeSpan.FromSeconds(5);

    // Separate from the stopping token: stopping ends fetching; this ends handlers, only when the host gives up waiting.
    private readonly CancellationTokenSource _handlersCancelled = new();
    private volatile bool _disposed;
    private readonly AsyncSignal _handlerFinished = new();
    private int _inFlight;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!triggerOptions.Value.Listeners.Enabled)
        {
            return;
        }
        var options = queueOptions.Value;
        var queueName = storage.Queue(binding.QueueName);
        var delivery = new QueueDelivery(binding, queueName, queues, options, scopes, time, logger);
        var backoff = new PollingBackoff(options.MinPollingInterval, options.MaxPollingInterval);
        logger.LogInformation("Listening on queue {Queue} for {MessageType}", queueName, binding.MessageType);
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                while (Volatile.Read(ref _inFlight) > options.EffectiveNewBatchThreshold)
                {
                    await _handlerFinished.WaitAsync(Timeout.InfiniteTimeSpan, stoppingToken);
                }
                var (queue, messages) = await ReceiveAsync(queueName, options, stoppingToken);
                if (messages.Length == 0)
                {
                    await wakeups.WaitAsync(queueName, backoff.Next(), stoppingToken);
                    continue;
                }
                backoff.Reset();
                foreach (var message in messages)
                {
                    Interlocked.Increment(ref _inFlight);
                    // Off the polling loop, so a handler that blocks before its first await cannot stall it.
                    _ = Task.Run(() => RunAsync(delivery, queue, message), CancellationToken.None);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        while (Volatile.Read(ref _inFlight) > 0)
        {
            await _handlerFinished.WaitAsync(Timeout.InfiniteTimeSpan, CancellationToken.None);
        }
        logger.LogInformation("Stopped listening on queue {Queue}", queueName);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        // A host stopped from two sides at once (the app's own RunAsync and a test host's dispose)
        // may call this after the first stop already disposed us: there is nothing left to stop.
        if (_disposed)
        {
            return;
        }
        try
        {
            // Returns once the handlers have finished, or earlier when the host stops waiting for them.
            await base.StopAsync(cancellationToken);
        }
        catch (ObjectDisposedException)
        {
            return; // disposed by the other stop while this one ran
        }
        if (ExecuteTask is { IsCompleted: false } draining)
        {
            // The host gave up: cancel the handlers so they hand their messages back for another replica.
            await _handlersCancelled.CancelAsync();
            await Task.WhenAny(draining, Task.Delay(ReleaseGrace, time, CancellationToken.None));
        }
    }

    public override void Dispose()
    {
        _disposed = true;
        _handlersCancelled.Dispose();
        base.Dispose();
    }

    private async Task<(QueueClient Queue, QueueMessage[] Messages)> ReceiveAsync(string queueName, QueueOptions options, CancellationToken stoppingToken)
    {
        var queue = queues.Get(queueName);
        try
        {
            queue = await queues.GetCreatedAsync(queueName, stoppingToken);
            var received = await queue.ReceiveMessagesAsync(options.BatchSize, options.LeaseDuration, stoppingToken);
            return (queue, received.Value);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Storage unreachable or the queue deleted under us: treat as empty, so the back-off paces the retries.
            queues.Forget(queueName);
            logger.LogWarning(ex, "Could not receive from queue {Queue}", queueName);
            return (queue, []);
        }
    }

    private async Task RunAsync(QueueDelivery delivery, QueueClient queue, QueueMessage message)
    {
        try
        {
            await delivery.ProcessAsync(queue, message, _handlersCancelled.Token);
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
            _handlerFinished.Set();
        }
    }
}
