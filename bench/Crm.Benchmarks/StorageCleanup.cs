using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;

namespace Crm.Benchmarks;

/// <summary>Removes every table, queue and container whose name starts with one of the run's prefixes.</summary>
internal static class StorageCleanup
{
    public static async Task RunAsync(string storage, IEnumerable<string> prefixes)
    {
        var tables = new TableServiceClient(storage);
        var queues = new QueueServiceClient(storage);
        var blobs = new BlobServiceClient(storage);
        var removed = 0;
        foreach (var prefix in prefixes)
        {
            await foreach (var table in tables.QueryAsync(t => t.Name.CompareTo(prefix) >= 0 && t.Name.CompareTo(prefix + "~") < 0))
            {
                await tables.DeleteTableAsync(table.Name);
                removed++;
            }
            await foreach (var queue in queues.GetQueuesAsync(prefix: prefix.ToLowerInvariant()))
            {
                await queues.DeleteQueueAsync(queue.Name);
                removed++;
            }
            await foreach (var container in blobs.GetBlobContainersAsync(prefix: prefix.ToLowerInvariant()))
            {
                await blobs.DeleteBlobContainerAsync(container.Name);
                removed++;
            }
        }
        Progress.Say($"cleanup: removed {removed} tables, queues and containers");
    }
}
