using Azure.Storage;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;
using Crm.Storage;

namespace Crm.Platform.Attachments;

/// <summary>
/// The bytes: one private container <c>attachments</c> (prefixed like every container), a version per blob under
/// <c>{tenantId}/{attachmentId}/{fileId}</c>, so a tenant's files are one prefix and no URL is guessable or public.
/// </summary>
public sealed class AttachmentFiles(BlobServiceClient service, StorageOptions options)
{
    /// <summary>
    /// An upload of unknown length is cut into blocks of this size, at most two in flight: what one upload holds in
    /// memory whatever the file's size (the SDK's defaults would buffer up to eight 4 MiB blocks).
    /// </summary>
    private static readonly StorageTransferOptions Transfer = new() { InitialTransferSize = 4 * 1024 * 1024, MaximumTransferSize = 4 * 1024 * 1024, MaximumConcurrency = 2 };

    private readonly BlobContainerClient _container = service.GetBlobContainerClient(options.Container("attachments"));
    private volatile bool _created;

    public async Task<BlockBlobClient> BlobAsync(string tenantId, string attachmentId, string fileId, CancellationToken cancellationToken)
    {
        if (!_created)
        {
            await _container.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
            _created = true;
        }
        return _container.GetBlockBlobClient($"{tenantId}/{attachmentId}/{fileId}");
    }

    /// <summary>Streams <paramref name="content"/> to the blob; nothing is committed unless the whole stream was read.</summary>
    public async Task UploadAsync(BlockBlobClient blob, Stream content, string contentType, CancellationToken cancellationToken) =>
        await blob.UploadAsync(content, new BlobUploadOptions { HttpHeaders = new BlobHttpHeaders { ContentType = contentType }, TransferOptions = Transfer }, cancellationToken);

    public async Task DeleteAsync(string tenantId, string attachmentId, string fileId, CancellationToken cancellationToken) =>
        await (await BlobAsync(tenantId, attachmentId, fileId, cancellationToken)).DeleteIfExistsAsync(cancellationToken: cancellationToken);
}
