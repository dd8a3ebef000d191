using Azure.Data.Tables;
using Azure.Identity;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Crm.Storage;

public static class StorageServiceCollectionExtensions
{
    /// <summary>Registers the three storage service clients once, from configuration.</summary>
    public static IServiceCollection AddCrmStorageClients(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<StorageOptions>(configuration.GetSection(StorageOptions.Section));
        services.AddSingleton(sp => sp.GetRequiredService<IOptions<StorageOptions>>().Value);
        services.AddSingleton(sp =>
        {
            var o = sp.GetRequiredService<StorageOptions>();
            return o.ConnectionString is { Length: > 0 } cs
                ? new TableServiceClient(cs)
                : new TableServiceClient(Require(o.TableServiceUri, "TableServiceUri"), new DefaultAzureCredential());
        });
        services.AddSingleton(sp =>
        {
            var o = sp.GetRequiredService<StorageOptions>();
            // Base64 so that messages written by other tools (and KEDA's peek) stay readable either way.
            var options = new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 };
            // One message that is not Base64 would otherwise fail every receive of its queue.
            options.MessageDecodingFailed += Triggers.UndecodableMessages.MoveToPoisonAsync;
            return o.ConnectionString is { Length: > 0 } cs
                ? new QueueServiceClient(cs, options)
                : new QueueServiceClient(Require(o.QueueServiceUri, "QueueServiceUri"), new DefaultAzureCredential(), options);
        });
        services.AddSingleton(sp =>
        {
            var o = sp.GetRequiredService<StorageOptions>();
            return o.ConnectionString is { Length: > 0 } cs
                ? new BlobServiceClient(cs)
                : new BlobServiceClient(Require(o.BlobServiceUri, "BlobServiceUri"), new DefaultAzureCredential());
        });
        return services;
    }

    private static Uri Require(Uri? uri, string name) =>
        uri ?? throw new InvalidOperationException(
            $"Storage is not configured: set Storage:ConnectionString, or Storage:{name} for managed identity.");
}
