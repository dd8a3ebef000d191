using Azure.Core;
using Azure.Data.Tables;
using Azure.Identity;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Crm.Storage;

public static class StorageServiceCollectionExtensions
{
    /// <summary>
    /// Registers the three storage service clients once, from configuration: the connection string when
    /// there is one (Azurite), else the account URIs with the <see cref="TokenCredential"/> registered here.
    /// </summary>
    public static IServiceCollection AddCrmStorageClients(this IServiceCollection services, IConfiguration configuration)
    {
        // Checked at start, so a replica without storage settings stops at once with the reason.
        services.AddOptions<StorageOptions>().Bind(configuration.GetSection(StorageOptions.Section)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<StorageOptions>, StorageOptionsValidation>());
        services.AddSingleton(sp => sp.GetRequiredService<IOptions<StorageOptions>>().Value);
        services.AddAzureCredential(configuration);
        services.AddSingleton(sp =>
        {
            var o = sp.GetRequiredService<StorageOptions>();
            return o.ConnectionString is { Length: > 0 } cs
                ? new TableServiceClient(cs)
                : new TableServiceClient(Require(o.TableServiceUri, "TableServiceUri"), sp.GetRequiredService<TokenCredential>());
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
                : new QueueServiceClient(Require(o.QueueServiceUri, "QueueServiceUri"), sp.GetRequiredService<TokenCredential>(), options);
        });
        services.AddSingleton(sp =>
        {
            var o = sp.GetRequiredService<StorageOptions>();
            return o.ConnectionString is { Length: > 0 } cs
                ? new BlobServiceClient(cs)
                : new BlobServiceClient(Require(o.BlobServiceUri, "BlobServiceUri"), sp.GetRequiredService<TokenCredential>());
        });
        return services;
    }

    /// <summary>
    /// The one credential every Azure client of the app shares: <see cref="DefaultAzureCredential"/>, which in
    /// Azure is the managed identity that <c>AZURE_CLIENT_ID</c> names (a user-assigned one), and locally the
    /// developer's sign-in. Created on first use only, so runs on a connection string never build it.
    /// </summary>
    public static IServiceCollection AddAzureCredential(this IServiceCollection services, IConfiguration configuration)
    {
        services.TryAddSingleton<TokenCredential>(_ =>
        {
            var options = new DefaultAzureCredentialOptions();
            if (configuration["AZURE_CLIENT_ID"] is { Length: > 0 } clientId)
            {
                options.ManagedIdentityClientId = clientId;
            }
            return new DefaultAzureCredential(options);
        });
        return services;
    }

    private static Uri Require(Uri? uri, string name) =>
        uri ?? throw new InvalidOperationException(
            $"Storage is not configured: set Storage:ConnectionString, or Storage:{name} for managed identity.");

    private sealed class StorageOptionsValidation : IValidateOptions<StorageOptions>
    {
        public ValidateOptionsResult Validate(string? name, StorageOptions options)
        {
            var missing = options.MissingSettings();
            return missing.Count == 0
                ? ValidateOptionsResult.Success
                : ValidateOptionsResult.Fail(
                    $"Storage is not configured: set Storage:ConnectionString, or {string.Join(", ", missing.Select(m => "Storage:" + m))} for managed identity.");
        }
    }
}
