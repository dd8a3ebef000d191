using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Crm.Orchestrations;
using Crm.Storage;
using Crm.UnitTests.Triggers;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Crm.UnitTests.Orchestrations;

/// <summary>
/// One test's task hub in the shared Azurite: a unique storage prefix (so tests run in parallel), hosts built on it
/// as a worker or as the API role, fast polling and short leases, and the hub and the ledger deleted afterwards.
/// </summary>
internal sealed class TaskHubScope : IAsyncDisposable
{
    private readonly List<IHost> _hosts = [];

    public TaskHubScope()
    {
        Ledger = new ApprovalLedger(new TableServiceClient(StorageScope.ConnectionString).GetTableClient(Prefix + "ledger"));
        Ledger.Table.CreateIfNotExists();
    }

    public string Prefix { get; } = "o" + Guid.NewGuid().ToString("N")[..12];

    /// <summary>The hub's name in storage: the prefix and the configured <c>hub</c>.</summary>
    public string TaskHubName => Prefix + "hub";

    public ApprovalLedger Ledger { get; }

    /// <summary>A started host: a worker (orchestrations run here) or, with <paramref name="worker"/> false, the API role.</summary>
    public async Task<IHost> StartHostAsync(bool worker = true, TestWorker? activities = null, Action<IServiceCollection>? services = null)
    {
        var host = BuildHost(worker, activities ?? TestWorker.Open("w" + _hosts.Count), services);
        await host.StartAsync();
        return host;
    }

    public IHost BuildHost(bool worker, TestWorker activities, Action<IServiceCollection>? services = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Storage:ConnectionString"] = StorageScope.ConnectionString,
            ["Storage:Prefix"] = Prefix,
            ["Orchestrations:TaskHub"] = "hub",
            ["Orchestrations:Worker:Enabled"] = worker ? "true" : "false",
            // Seconds, not the production minutes: a crashed worker's partitions and messages come back quickly.
            ["Orchestrations:MaxQueuePollingInterval"] = "00:00:00.500",
            ["Orchestrations:LeaseInterval"] = "00:00:04",
            ["Orchestrations:LeaseRenewInterval"] = "00:00:01",
            ["Orchestrations:LeaseAcquireInterval"] = "00:00:01",
            ["Orchestrations:MessageVisibilityTimeout"] = "00:00:05",
        });
        builder.Services.AddCrmStorageClients(builder.Configuration);
        builder.Services.AddCrmOrchestrations(builder.Configuration);
        builder.Services.AddOrchestrator<SampleApproval>();
        builder.Services.AddActivity<NotifyApprovers>();
        builder.Services.AddActivity<RecordOutcome>();
        builder.Services.AddSingleton(Ledger);
        builder.Services.AddSingleton(activities);
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(5));
        services?.Invoke(builder.Services);
        // ORCHESTRATION_TEST_LOGS=1 shows what the framework did when a test fails.
        if (Environment.GetEnvironmentVariable("ORCHESTRATION_TEST_LOGS") == "1")
        {
            builder.Logging.AddSimpleConsole(o => o.TimestampFormat = "HH:mm:ss.fff ").SetMinimumLevel(LogLevel.Information);
        }
        var host = builder.Build();
        _hosts.Add(host);
        return host;
    }

    public static DurableTaskClient Client(IHost host) => host.Services.GetRequiredService<DurableTaskClient>();

    /// <summary>Stops a host as a replica stops (SIGTERM): its worker, then its sidecar and backend.</summary>
    public async Task StopAsync(IHost host)
    {
        await host.StopAsync();
        host.Dispose();
        _hosts.Remove(host);
    }

    /// <summary>Until the instance has run its first activity and waits for the decision or the deadline.</summary>
    public static Task WaitUntilWaitingAsync(DurableTaskClient client, string instanceId, TimeSpan? timeout = null) =>
        Eventually.HoldsAsync(async () =>
            (await client.GetInstanceAsync(instanceId, getInputsAndOutputs: true))?.SerializedCustomStatus?.Contains(SampleApproval.Waiting, StringComparison.Ordinal) == true,
            $"{instanceId} waits for its decision", timeout ?? TimeSpan.FromSeconds(20));

    /// <summary>
    /// Polls the instance every 50 ms: the backend's own wait (<c>WaitForInstanceCompletionAsync</c>) checks the
    /// instance table every 2 s, which would hide the real latency.
    /// </summary>
    public static async Task<OrchestrationMetadata> CompletionAsync(DurableTaskClient client, string instanceId, TimeSpan? timeout = null)
    {
        OrchestrationMetadata? state = null;
        await Eventually.HoldsAsync(async () =>
        {
            state = await client.GetInstanceAsync(instanceId, getInputsAndOutputs: true);
            return state is { IsCompleted: true };
        }, $"{instanceId} completes", timeout ?? TimeSpan.FromSeconds(30));
        return state!;
    }

    /// <summary>What storage holds under this test's prefix: the hub's tables, queues and containers, and the ledger.</summary>
    public async Task<IReadOnlyList<string>> LeftoversAsync()
    {
        var found = new List<string>();
        var tables = new TableServiceClient(StorageScope.ConnectionString);
        await foreach (var table in tables.QueryAsync(TableClient.CreateQueryFilter($"TableName ge {Prefix} and TableName lt {Prefix + "~"}")))
        {
            found.Add("table " + table.Name);
        }
        await foreach (var queue in new QueueServiceClient(StorageScope.ConnectionString).GetQueuesAsync(prefix: Prefix))
        {
            found.Add("queue " + queue.Name);
        }
        await foreach (var container in new BlobServiceClient(StorageScope.ConnectionString).GetBlobContainersAsync(prefix: Prefix))
        {
            found.Add("container " + container.Name);
        }
        return found;
    }

    public async Task DeleteTaskHubAsync()
    {
        var storage = new StorageOptions { ConnectionString = StorageScope.ConnectionString, Prefix = Prefix };
        var options = new OrchestrationOptions { TaskHub = "hub" };
        using var hub = new TaskHub(TaskHubName, TaskHubBackend.Create(storage, options, () => throw new InvalidOperationException(), NullLoggerFactoryInstance));
        await hub.DeleteAsync();
    }

    private static readonly ILoggerFactory NullLoggerFactoryInstance = Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance;

    public async ValueTask DisposeAsync()
    {
        foreach (var host in _hosts.ToList())
        {
            await StopAsync(host);
        }
        await DeleteTaskHubAsync();
        await Ledger.Table.DeleteAsync();
    }
}
