using Azure.Data.Tables;
using Crm.Storage;
using Crm.Storage.Events;
using Crm.Storage.Records;
using Crm.Storage.Tenants;

namespace Crm.UnitTests.Records;

/// <summary>
/// One test class's corner of the shared Azurite: every table under a unique prefix, the record
/// engine's services built on them, and every table deleted when the class is done. Tests in a
/// class keep apart by using their own tenant (<see cref="NewTenant"/>).
/// </summary>
public sealed class StorageFixture : IAsyncLifetime
{
    public static string ConnectionString =>
        Environment.GetEnvironmentVariable("CRM_TEST_STORAGE") is { Length: > 0 } cs ? cs : "UseDevelopmentStorage=true";

    public StorageFixture()
    {
        Service = new TableServiceClient(ConnectionString);
        Options = new StorageOptions { ConnectionString = ConnectionString, Prefix = Prefix };
        Widgets = new RecordStore<Widget>(Service, Options, new WidgetType(), Notifier);
        Gadgets = new RecordStore<Gadget>(Service, Options, new GadgetType(), Notifier);
        Registry = new RecordTypeRegistry([Widgets, Gadgets]);
        Audit = new AuditLog(Registry);
        Bin = new RecycleBin(Registry);
        Feed = new EventFeed(Service, Options, Clock);
        Dispatcher = new OutboxDispatcher(Registry, Feed);
        Tenants = new TenantStore(Service, Options, Clock);
    }

    public string Prefix { get; } = "u" + Guid.NewGuid().ToString("N")[..12];
    public TableServiceClient Service { get; }
    public StorageOptions Options { get; }
    public CountingNotifier Notifier { get; } = new();
    public ManualClock Clock { get; } = new(DateTimeOffset.UtcNow);
    public RecordStore<Widget> Widgets { get; }
    public RecordStore<Gadget> Gadgets { get; }
    public RecordTypeRegistry Registry { get; }
    public AuditLog Audit { get; }
    public RecycleBin Bin { get; }
    public EventFeed Feed { get; }
    public OutboxDispatcher Dispatcher { get; }
    public TenantStore Tenants { get; }

    public static string NewTenant() => "t" + Guid.NewGuid().ToString("N")[..16];

    public static WriteContext Context(string tenantId, DateTimeOffset? now = null, string actor = "actor1") =>
        new(tenantId, actor, "127.0.0.1", now ?? DateTimeOffset.UtcNow);

    /// <summary>Every row of a tenant's partition, keyed by row key, as storage holds them.</summary>
    public static async Task<SortedDictionary<string, TableEntity>> RowsAsync(TableClient table, string tenantId)
    {
        var rows = new SortedDictionary<string, TableEntity>(StringComparer.Ordinal);
        await foreach (var row in table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {tenantId}")))
        {
            rows.Add(row.RowKey, row);
        }
        return rows;
    }

    /// <summary>Row keys with their ETags: equal snapshots mean nothing was added, changed or removed.</summary>
    public static async Task<IReadOnlyList<string>> SnapshotAsync(TableClient table, string tenantId) =>
        (await RowsAsync(table, tenantId)).Select(r => $"{r.Key} {r.Value.ETag}").ToList();

    public async Task InitializeAsync() =>
        await Task.WhenAll(new[] { Widgets.Table, Gadgets.Table, Feed.Table, Tenants.Table }.Select(t => t.CreateIfNotExistsAsync()));

    public async Task DisposeAsync()
    {
        var names = new List<string>();
        await foreach (var table in Service.QueryAsync(TableClient.CreateQueryFilter($"TableName ge {Prefix} and TableName lt {Prefix + "~"}")))
        {
            names.Add(table.Name);
        }
        await Task.WhenAll(names.Select(n => Service.DeleteTableAsync(n)));
    }
}
