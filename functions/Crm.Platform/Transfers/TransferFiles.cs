using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Crm.Storage;

namespace Crm.Platform.Transfers;

/// <summary>
/// Blob Storage for the jobs: <c>imports</c> holds an uploaded file's cells until its job ends, <c>exports</c>
/// the files produced, under <c>{tenantId}/{jobId}/</c>. Container names take the storage prefix like tables.
/// </summary>
public sealed class TransferFiles(BlobServiceClient service, StorageOptions options)
{
    public BlobContainerClient Imports { get; } = service.GetBlobContainerClient(options.Container("imports"));
    public BlobContainerClient Exports { get; } = service.GetBlobContainerClient(options.Container("exports"));

    private volatile bool _created;

    public async Task<BlobContainerClient> ContainerAsync(BlobContainerClient container, CancellationToken cancellationToken)
    {
        if (!_created)
        {
            await Imports.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
            await Exports.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
            _created = true;
        }
        return container;
    }

    public static string ImportSource(string tenantId, string jobId) => $"{tenantId}/{jobId}/cells.json";

    public static string ExportFile(string tenantId, string jobId, string fileName) => $"{tenantId}/{jobId}/{fileName}";

    public async Task UploadAsync(BlobContainerClient container, string name, BinaryData content, string contentType, CancellationToken cancellationToken)
    {
        var blob = (await ContainerAsync(container, cancellationToken)).GetBlobClient(name);
        await blob.UploadAsync(content, new BlobUploadOptions { HttpHeaders = new BlobHttpHeaders { ContentType = contentType } }, cancellationToken);
    }
}
