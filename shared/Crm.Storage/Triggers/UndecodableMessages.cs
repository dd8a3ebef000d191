using Azure.Storage.Queues;
using Azure.Storage.Queues.Specialized;

namespace Crm.Storage.Triggers;

/// <summary>
/// A message that is not Base64 (written by a tool with another encoding) makes the SDK's receive
/// throw for the whole batch, so one bad message would stall its queue. Wired into
/// <see cref="QueueClientOptions.MessageDecodingFailed"/>, this moves it to <c>{queue}-poison</c>
/// instead, and the SDK leaves it out of the batch.
/// </summary>
public static class UndecodableMessages
{
    private static readonly TimeSpan NeverExpire = TimeSpan.FromSeconds(-1);

    public static async Task MoveToPoisonAsync(QueueMessageDecodingFailedEventArgs args)
    {
        ArgumentNullException.ThrowIfNull(args);
        // A peek cannot remove anything; the listener's next receive will deal with the message.
        if (args.ReceivedMessage is not { } message)
        {
            return;
        }
        var queue = args.Queue;
        var poison = queue.GetParentQueueServiceClient().GetQueueClient(queue.Name + "-poison");
        if (args.IsRunningSynchronously)
        {
            poison.CreateIfNotExists(cancellationToken: args.CancellationToken);
            poison.SendMessage(message.Body, TimeSpan.Zero, NeverExpire, args.CancellationToken);
            queue.DeleteMessage(message.MessageId, message.PopReceipt, args.CancellationToken);
            return;
        }
        await poison.CreateIfNotExistsAsync(cancellationToken: args.CancellationToken);
        await poison.SendMessageAsync(message.Body, TimeSpan.Zero, NeverExpire, args.CancellationToken);
        await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt, args.CancellationToken);
    }
}
