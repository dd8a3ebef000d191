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
        services.AddSingleton<TableInitializer>();
        services.AddHostedService(sp => sp.GetRequiredService<TableInitializer>());
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
