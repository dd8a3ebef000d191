using Azure;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using Microsoft.Extensions.Logging;

namespace Crm.Storage.Triggers;

/// <summary>
/// A received message stays hidden from other receivers only for the lease. While its handler runs
/// the lease is renewed at half-life; every renewal changes the pop receipt, which the final
/// delete or release must present, so all of them go through here.
/// </summary>
internal sealed class MessageLease(QueueClient queue, QueueMessage message, TimeSpan duration, TimeProvider time, ILogger logger)
{
    private string _popReceipt = message.PopReceipt;

    /// <summary>Runs <paramref name="work"/> while keeping the message hidden; its exception comes out unchanged.</summary>
    public async Task RenewWhileAsync(Func<Task> work)
    {
        using var stop = new CancellationTokenSource();
        var renewing = RenewAsync(stop.Token);
        try
        {
            await work();
        }
        finally
        {
            await stop.CancelAsync();
            await renewing;
        }
    }

    // Completion must reach storage even while the app shuts down, hence no cancellation token.
    public Task DeleteAsync() => queue.DeleteMessageAsync(message.MessageId, _popReceipt, CancellationToken.None);

    public async Task ReleaseAsync(TimeSpan visibility) => await SetVisibilityAsync(visibility, CancellationToken.None);

    private async Task RenewAsync(CancellationToken stop)
    {
        try
        {
            while (true)
            {
                await Task.Delay(duration / 2, time, stop);
                // An update cut short could leave us holding a stale pop receipt, so it runs to the end.
                await SetVisibilityAsync(duration, CancellationToken.None);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
        catch (RequestFailedException ex)
        {
            logger.LogWarning(ex, "Lost the lease on message {MessageId} in {Queue}; it may be handled again elsewhere",
                message.MessageId, queue.Name);
        }
    }

    private async Task SetVisibilityAsync(TimeSpan visibility, CancellationToken cancellationToken)
    {
        var receipt = await queue.UpdateMessageAsync(message.MessageId, _popReceipt, messageText: null, visibility, cancellationToken);
        _popReceipt = receipt.Value.PopReceipt;
    }
}
