using DurableTask.AzureStorage;

namespace Crm.Orchestrations;

/// <summary>This process's handle on the task hub: its name in storage and the backend over it.</summary>
internal sealed class TaskHub(string name, AzureStorageOrchestrationService service) : IDisposable
{
    public string Name { get; } = name;

    public AzureStorageOrchestrationService Service { get; } = service;

    /// <summary>Removes the hub's tables, queues and containers (tests; an operator retiring a hub).</summary>
    public Task DeleteAsync() => Service.DeleteAsync();

    public void Dispose() => Service.Dispose();
}

/// <summary>Whether this process runs orchestrators and activities, decided once at start from configuration.</summary>
internal sealed record OrchestrationRole(bool RunsWorker);
