using Azure.Core;
using Crm.Storage;
using DurableTask.AzureStorage;
using Microsoft.Extensions.Logging;

namespace Crm.Orchestrations;

/// <summary>
/// The Durable Task Framework's Azure Storage backend on the CRM's own storage account: the connection string
/// locally and in tests (Azurite), the account URIs with the app's managed identity in Azure.
/// </summary>
internal static class TaskHubBackend
{
    public static AzureStorageOrchestrationService Create(
        StorageOptions storage, OrchestrationOptions options, Func<TokenCredential> credential, ILoggerFactory loggers)
    {
        var settings = new AzureStorageOrchestrationServiceSettings
        {
            TaskHubName = options.TaskHubName(storage.Prefix),
            PartitionCount = options.PartitionCount,
            StorageAccountClientProvider = storage.ConnectionString is { Length: > 0 } cs
                ? new StorageAccountClientProvider(cs)
                : new StorageAccountClientProvider(storage.BlobServiceUri!, storage.QueueServiceUri!, storage.TableServiceUri!, credential()),
            // Unique per process, not the machine name: two workers in one process (tests) or a restarted
            // container must not pass for the owner of each other's partition leases.
            WorkerId = $"{Environment.MachineName}-{Guid.NewGuid():N}",
            // One app per task hub (single-revision Container Apps): no app lease to hand over between slots.
            UseAppLease = false,
            LoggerFactory = loggers,
        };
        if (options.MaxQueuePollingInterval is { } polling)
        {
            settings.MaxQueuePollingInterval = polling;
        }
        if (options.LeaseInterval is { } lease)
        {
            settings.LeaseInterval = lease;
        }
        if (options.LeaseRenewInterval is { } renew)
        {
            settings.LeaseRenewInterval = renew;
        }
        if (options.LeaseAcquireInterval is { } acquire)
        {
            settings.LeaseAcquireInterval = acquire;
        }
        if (options.MessageVisibilityTimeout is { } visibility)
        {
            settings.ControlQueueVisibilityTimeout = visibility;
            settings.WorkItemQueueVisibilityTimeout = visibility;
        }
        return new AzureStorageOrchestrationService(settings);
    }
}
