using System.Collections.Concurrent;
using Azure;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;

namespace Crm.Storage.Triggers;

/// <summary>
/// Queue clients that are known to exist: creating a queue is a round trip we only want once per
/// process, but a queue deleted behind our back (tests, a cleanup script) is recreated.
/// </summary>
internal sealed class QueueClients(QueueServiceClient service)
{
    /// <summary>Messages never expire: an expired reminder or poison message would be lost silently.</summary>
    private static readonly TimeSpan NeverExpire = TimeSpan.FromSeconds(-1);

    private readonly ConcurrentDictionary<string, Lazy<Task>> _created = new();

    public QueueClient Get(string queueName) => service.GetQueueClient(queueName);

    public async Task<QueueClient> GetCreatedAsync(string queueName, CancellationToken cancellationToken)
    {
        var client = service.GetQueueClient(queueName);
        // Not the caller's token: one cancelled caller must not fail the creation others wait on.
        var creation = _created.GetOrAdd(queueName,
            _ => new Lazy<Task>(() => client.CreateIfNotExistsAsync(cancellationToken: CancellationToken.None)));
        try
        {
            await creation.Value.WaitAsync(cancellationToken);
        }
        catch (RequestFailedException)
        {
            _created.TryRemove(KeyValuePair.Create(queueName, creation));
            throw;
        }
        return client;
    }

    public void Forget(string queueName) => _created.TryRemove(queueName, out _);

    public async Task SendAsync(string queueName, BinaryData body, TimeSpan delay, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var queue = await GetCreatedAsync(queueName, cancellationToken);
            try
            {
                await queue.SendMessageAsync(body, delay, NeverExpire, cancellationToken);
                return;
            }
            catch (RequestFailedException ex) when (attempt == 1 && IsQueueNotFound(ex))
            {
                Forget(queueName);
            }
        }
    }

    public static bool IsQueueNotFound(RequestFailedException ex) => ex.ErrorCode == QueueErrorCode.QueueNotFound.ToString();
}
