using Azure.Data.Tables;
using Crm.Domain.Common;
using Crm.Storage.Events;
using Crm.Storage.Tenants;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Crm.Storage.Records;

public static class RecordStoreRegistration
{
    /// <summary>The engine's shared services: registry, audit log, recycle bin, change feed, tenants.</summary>
    public static IServiceCollection AddRecordEngine(this IServiceCollection services)
    {
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<RecordTypeRegistry>();
        services.AddSingleton<AuditLog>();
        services.AddSingleton<RecycleBin>();
        services.AddSingleton<EventFeed>();
        services.AddSingleton<OutboxDispatcher>();
        services.AddSingleton<IOutboxNotifier, OutboxNotifier>();
        services.AddSingleton<TenantStore>();
        services.AddHostedService<TableInitializer>();
        return services;
    }

    /// <summary>Registers a record type: its store, and the store as one of the registry's.</summary>
    public static IServiceCollection AddRecordType<T, TType>(this IServiceCollection services)
        where T : RecordBase where TType : RecordType<T>, new()
    {
        services.AddSingleton(sp => ActivatorUtilities.CreateInstance<RecordStore<T>>(sp, new TType()));
        services.AddSingleton<IRecordStore>(sp => sp.GetRequiredService<RecordStore<T>>());
        return services;
    }
}

/// <summary>Creates every table the app uses before the app serves requests.</summary>
public sealed class TableInitializer(RecordTypeRegistry registry, EventFeed feed, TenantStore tenants, TableServiceClient service, StorageOptions options) : IHostedService
{
    public static readonly string[] ExtraTables = ["idempotency", "refreshtokens", "jobruns"];

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var tables = registry.Stores.Select(s => s.Table).Append(feed.Table).Append(tenants.Table)
            .Concat(ExtraTables.Select(t => service.GetTableClient(options.Table(t))));
        await Task.WhenAll(tables.Select(t => t.CreateIfNotExistsAsync(cancellationToken))).ConfigureAwait(false);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
