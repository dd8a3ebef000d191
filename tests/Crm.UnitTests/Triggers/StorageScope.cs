using Azure.Data.Tables;
using Azure.Storage.Queues;
using Crm.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Crm.UnitTests.Triggers;

/// <summary>
/// One test's corner of the shared Azurite: a unique prefix for its queues and tables, hosts built
/// on that prefix, and everything deleted afterwards.
/// </summary>
internal sealed class StorageScope : IAsyncDisposable
{
    /// <summary>scripts/test.sh runs a private Azurite on free ports and says where; otherwise the default ports.</summary>
    public static readonly string ConnectionString =
        Environment.GetEnvironmentVariable("CRM_TEST_STORAGE") is { Length: > 0 } configured ? configured : "UseDevelopmentStorage=true";

    private readonly List<IHost> _hosts = [];

    public string Prefix { get; } = "t" + Guid.NewGuid().ToString("N")[..12];

    public QueueServiceClient Queues { get; } = new(ConnectionString, new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 });

    public TableServiceClient Tables { get; } = new(ConnectionString);

    public string QueueName(string name) => (Prefix + name).ToLowerInvariant();

    public QueueClient Queue(string name) => Queues.GetQueueClient(QueueName(name));

    public TableClient JobRuns => Tables.GetTableClient(Prefix + "jobruns");

    /// <summary>A host with fast polling unless <paramref name="settings"/> says otherwise; not started.</summary>
    public IHost BuildHost(Action<IServiceCollection> services, IDictionary<string, string?>? settings = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Storage:ConnectionString"] = ConnectionString,
            ["Storage:Prefix"] = Prefix,
            ["AzureFunctionsJobHost:extensions:queues:maxPollingInterval"] = "00:00:00.200",
        });
        if (settings is not null)
        {
            builder.Configuration.AddInMemoryCollection(settings);
        }
        builder.Services.AddCrmStorageClients(builder.Configuration);
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(5));
        // TRIGGER_TEST_LOGS=1 shows what the runtime did when a test fails.
        if (Environment.GetEnvironmentVariable("TRIGGER_TEST_LOGS") == "1")
        {
            builder.Logging.AddSimpleConsole().SetMinimumLevel(LogLevel.Debug);
        }
        services(builder.Services);
        var host = builder.Build();
        _hosts.Add(host);
        return host;
    }

    public async Task<int> CountAsync(string queueName)
    {
        var queue = Queue(queueName);
        if (!await queue.ExistsAsync())
        {
            return 0;
        }
        return (await queue.GetPropertiesAsync()).Value.ApproximateMessagesCount;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var host in _hosts)
        {
            await host.StopAsync();
            host.Dispose();
        }
        await foreach (var queue in Queues.GetQueuesAsync(prefix: Prefix.ToLowerInvariant()))
        {
            await Queues.DeleteQueueAsync(queue.Name);
        }
        await JobRuns.DeleteAsync();
    }
}
