using Crm.Platform.Records;
using Crm.Storage.Records;
using Crm.Storage.Triggers;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Crm.Platform.Transfers;

public static class TransferRegistration
{
    /// <summary>Import and export jobs for every owned record type; their queues, their file expiry job and their routes.</summary>
    public static IServiceCollection AddTransfers(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<TransferOptions>(configuration.GetSection(TransferOptions.Section));
        services.AddSingleton<TransferJobStore>().AddTable(TransferJobStore.TableName);
        services.AddSingleton<TransferFiles>();
        services.AddSingleton<TransferCatalogue>();
        services.AddSingleton<JobCallers>();
        services.TryAddSingleton<IImportObserver, NoImportObserver>();
        services.AddQueueHandler<RunImport, ImportRunner>(RunImport.QueueName);
        services.AddQueueHandler<RunExport, ExportRunner>(RunExport.QueueName);
        services.AddTimerJob<TransferFileExpiryJob>(TransferFileExpiryJob.Name);
        services.AddSingleton<IApiFeature, TransferRoutes>();
        return services;
    }
}

public sealed class TransferRoutes : IApiFeature
{
    public void Map(IEndpointRouteBuilder api)
    {
        ImportEndpoints.Map(api, api.ServiceProvider.GetRequiredService<IOptions<TransferOptions>>().Value);
        ExportEndpoints.Map(api);
    }
}
