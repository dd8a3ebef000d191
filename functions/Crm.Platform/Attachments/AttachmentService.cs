using Azure.Storage.Blobs.Specialized;
using Crm.Domain.Access;
using Crm.Domain.Attachments;
using Crm.Domain.Common;
using Crm.Platform.Records;
using Crm.Platform.Web;
using Crm.Storage.Records;
using Microsoft.Extensions.Options;

namespace Crm.Platform.Attachments;

/// <summary>A version ready to serve: its metadata and the blob holding its bytes.</summary>
public sealed record AttachmentDownload(Attachment Attachment, AttachmentVersion Version, BlockBlobClient Blob);

/// <summary>
/// The rules of files: every upload is on a record the caller may edit, its name sanitised, its type sniffed and
/// allowed, its size within the file limit and the tenant's quota, scanned before it is recorded; a version is
/// served only once clean. The record keeps the versions; the blobs the bytes.
/// </summary>
public sealed class AttachmentService(RecordStore<Attachment> store, AttachmentParents parents, AttachmentFiles files, AttachmentUsage usage,
    IMalwareScanner scanner, IOptions<AttachmentOptions> options, TimeProvider clock) : IRestoreGuard
{
    /// <summary>A record holds at most 30,000 characters of JSON: room for this many versions with long names.</summary>
    public const int MaxVersions = 50;

    public const string TypeNotAllowed = "attachment.type_not_allowed";
    public const string Infected = "attachment.infected";
    public const string ScanPending = "attachment.scan_pending";
    public const string RelatedDeleted = "attachment.related_deleted";

    public string TypeName => store.TypeName;

    private AttachmentOptions Options => options.Value;

    /// <summary>A new attachment on the record from the file's bytes, read to their end.</summary>
    public async Task<Attachment> UploadAsync(Caller caller, string relatedType, string relatedId, string? fileName, Stream body, CancellationToken cancellationToken)
    {
        var parent = await parents.ReachAsync(caller, relatedType, relatedId, Permissions.Actions.Edit, cancellationToken);
        var name = FileNames.Sanitise(fileName);
        var id = Ids.New(clock.GetUtcNow());
        return await AddAsync(caller, parent, id, await StoreAsync(caller, id, 1, name, body, cancellationToken), cancellationToken);
    }

    /// <summary>A new current version of an attachment; the older ones stay listed and downloadable.</summary>
    public async Task<Attachment> UploadVersionAsync(Caller caller, string id, string? ifMatch, string? fileName, Stream body, CancellationToken cancellationToken)
    {
        var current = await GetForNewVersionAsync(caller, id, cancellationToken);
        var name = fileName is null ? current.Name : FileNames.Sanitise(fileName);
        return await AddVersionAsync(caller, id, ifMatch, await StoreAsync(caller, id, current.CurrentVersion + 1, name, body, cancellationToken), cancellationToken);
    }

    /// <summary>The attachment a new version goes to, when it has room for one and the caller may edit its record.</summary>
    public async Task<Attachment> GetForNewVersionAsync(Caller caller, string id, CancellationToken cancellationToken)
    {
        var current = await GetAsync(caller, id, Permissions.Actions.Edit, cancellationToken);
        return current.Versions.Count < MaxVersions ? current
            : throw new ConflictException("attachment.too_many_versions", $"An attachment keeps at most {MaxVersions} versions; upload the file as a new attachment.");
    }

    /// <summary>Records a new attachment with its first version (already stored and counted).</summary>
    public Task<Attachment> AddAsync(Caller caller, AttachmentParent parent, string id, AttachmentVersion version, CancellationToken cancellationToken) =>
        RecordingAsync(caller.TenantId, id, version, () => store.CreateAsync(caller.Write(clock),
            new Attachment { Id = id, RelatedType = parent.Type, RelatedId = parent.Record.Id }.WithVersion(version), cancellationToken: cancellationToken));

    /// <summary>Records a new current version (already stored and counted); 409 if another took its number meanwhile.</summary>
    public Task<Attachment> AddVersionAsync(Caller caller, string id, string? ifMatch, AttachmentVersion version, CancellationToken cancellationToken) =>
        RecordingAsync(caller.TenantId, id, version, () => store.UpdateAsync(caller.Write(clock), id, ifMatch, a =>
            a.CurrentVersion + 1 == version.Number
                ? ValueTask.FromResult(a.WithVersion(version))
                : throw new ConflictException("attachment.version_race", "Another version was uploaded meanwhile; read the attachment and upload again."),
            cancellationToken: cancellationToken));

    /// <summary>
    /// Streams the file to its blob, refusing (and leaving no blob) what the allow-list, the size limit or the quota
    /// refuse, then counts and scans it.
    /// </summary>
    private async Task<AttachmentVersion> StoreAsync(Caller caller, string id, int number, string name, Stream body, CancellationToken cancellationToken)
    {
        var (head, complete) = await UploadStream.ReadHeadAsync(body, cancellationToken);
        var contentType = EnsureAllowed(head, complete, name);
        var used = await usage.UsedAsync(caller.TenantId, cancellationToken);
        var allowance = AttachmentQuota.Allowance(used, Options.TenantQuotaBytes, Options.MaxFileBytes);
        var (code, message) = Options.MaxFileBytes <= allowance
            ? (AttachmentQuota.FileTooLarge, $"A file may have at most {Options.MaxFileBytes:N0} bytes.")
            : (AttachmentQuota.QuotaExceeded, $"The tenant's files may take at most {Options.TenantQuotaBytes:N0} bytes; {allowance:N0} are left.");
        var fileId = Ids.New(clock.GetUtcNow());
        var blob = await files.BlobAsync(caller.TenantId, id, fileId, cancellationToken);
        await using var upload = new UploadStream(head, body, allowance, code, message);
        await files.UploadAsync(blob, upload, contentType, cancellationToken);
        return await AcceptAsync(caller, id, number, fileId, name, contentType, upload.BytesRead, upload.Sha256(), blob, cancellationToken);
    }

    /// <summary>Counts stored bytes against the quota (deleting them if they do not fit after all) and scans them.</summary>
    public async Task<AttachmentVersion> AcceptAsync(Caller caller, string id, int number, string fileId, string name, string contentType, long size, string sha256,
        BlockBlobClient blob, CancellationToken cancellationToken)
    {
        try
        {
            // Concurrent uploads may each have fitted alone: the count decides, with its ETag.
            await usage.AddAsync(caller.TenantId, size, Options.TenantQuotaBytes, Options.MaxFileBytes, cancellationToken);
        }
        catch
        {
            await blob.DeleteIfExistsAsync(cancellationToken: CancellationToken.None);
            throw;
        }
        var status = await scanner.ScanAsync(new MalwareScanRequest(caller.TenantId, id, number, name, contentType, size,
            async ct => await blob.OpenReadAsync(cancellationToken: ct)), cancellationToken);
        return new AttachmentVersion
        {
            Number = number, FileId = fileId, Name = name, Size = size, ContentType = contentType, Sha256 = sha256, ScanStatus = status,
            UploadedBy = caller.UserId, UploadedAt = clock.GetUtcNow(),
        };
    }

    /// <summary>The sniffed type of the file's head, when the allow-list has it; 415 otherwise.</summary>
    public string EnsureAllowed(ReadOnlySpan<byte> head, bool complete, string name)
    {
        var contentType = ContentSniffer.Sniff(head, complete, name);
        if (!Options.AllowedContentTypes.Contains(contentType, StringComparer.OrdinalIgnoreCase))
        {
            throw new UnsupportedMediaTypeException(TypeNotAllowed,
                $"The file's bytes are {contentType}, which may not be uploaded. Allowed: {string.Join(", ", Options.AllowedContentTypes)}.");
        }
        return contentType;
    }

    /// <summary>Writes the metadata; if that fails the stored bytes and their count are taken back, so a refused request leaves nothing.</summary>
    private async Task<Attachment> RecordingAsync(string tenantId, string id, AttachmentVersion version, Func<Task<Attachment>> write)
    {
        try
        {
            return await write();
        }
        catch
        {
            await files.DeleteAsync(tenantId, id, version.FileId, CancellationToken.None);
            await usage.AddAsync(tenantId, -version.Size, null, 0, CancellationToken.None);
            throw;
        }
    }

    /// <summary>The attachment when the caller may <paramref name="action"/> its record; 404 otherwise (and while its record is in the bin).</summary>
    public async Task<Attachment> GetAsync(Caller caller, string id, string action, CancellationToken cancellationToken)
    {
        var attachment = Ids.IsWellFormed(id) ? await store.FindAsync(caller.TenantId, id, cancellationToken) : null;
        if (attachment is null)
        {
            throw new NotFoundException(store.TypeName, id);
        }
        try
        {
            await parents.ReachAsync(caller, attachment.RelatedType, attachment.RelatedId, action, cancellationToken);
        }
        catch (NotFoundException)
        {
            throw new NotFoundException(store.TypeName, id);
        }
        return attachment;
    }

    /// <summary>The files of a record the caller may view, newest first.</summary>
    public async Task<Page<Attachment>> ListAsync(Caller caller, string relatedType, string relatedId, int limit, string? cursor, CancellationToken cancellationToken)
    {
        var parent = await parents.ReachAsync(caller, relatedType, relatedId, Permissions.Actions.View, cancellationToken);
        ListParameters.EnsureLogPage(limit);
        return await store.ListAsync(caller.TenantId, new ListQuery
        {
            FieldEquals = [new("relatedId", parent.Record.Id), new("relatedType", parent.Type)], Limit = limit, Cursor = cursor, Sort = "-createdAt",
        }, cancellationToken);
    }

    /// <summary>A version to serve: infected ones never (409), unscanned ones not yet (423).</summary>
    public async Task<AttachmentDownload> DownloadAsync(Caller caller, string id, int? number, CancellationToken cancellationToken)
    {
        var attachment = await GetAsync(caller, id, Permissions.Actions.View, cancellationToken);
        var version = attachment.VersionNumbered(number);
        switch (version.ScanStatus)
        {
            case ScanStatus.Infected:
                throw new ConflictException(Infected, "The malware scan found this file infected; it is never served.");
            case ScanStatus.PendingScan:
                throw new LockedException(ScanPending, "The file is waiting for its malware scan; try again later.");
        }
        return new AttachmentDownload(attachment, version, await files.BlobAsync(caller.TenantId, id, version.FileId, cancellationToken));
    }

    /// <summary>To the recycle bin (restorable from there); its bytes stop counting against the quota.</summary>
    public async Task DeleteAsync(Caller caller, string id, string? ifMatch, CancellationToken cancellationToken)
    {
        var attachment = await GetAsync(caller, id, Permissions.Actions.Edit, cancellationToken);
        await store.DeleteAsync(caller.Write(clock), id, ifMatch, cancellationToken);
        await usage.AddAsync(caller.TenantId, -attachment.StoredBytes, null, 0, cancellationToken);
    }

    /// <summary>A scanner's later verdict on one version (for scanners that answered <see cref="ScanStatus.PendingScan"/>).</summary>
    public Task<Attachment> SetScanStatusAsync(WriteContext write, string id, int version, ScanStatus status, CancellationToken cancellationToken) =>
        store.UpdateAsync(write, id, null, a => ValueTask.FromResult(a.WithScanStatus(version, status)), cancellationToken: cancellationToken);

    /// <summary>
    /// Moves every file of one record to another (a converted lead's to its customer), as the feature moving them
    /// decided; idempotent, as a retried conversion needs: files already moved are not found on the old record.
    /// </summary>
    public async Task MoveAsync(WriteContext write, string fromType, string fromId, string toType, string toId, CancellationToken cancellationToken)
    {
        var moving = new List<string>();
        await foreach (var attachment in store.ListAllAsync(write.TenantId, new ListQuery { FieldEquals = [new("relatedId", fromId), new("relatedType", fromType)], Limit = 200 },
            cancellationToken))
        {
            moving.Add(attachment.Id);
        }
        foreach (var id in moving)
        {
            await store.UpdateAsync(write, id, null, a => ValueTask.FromResult(
                a.RelatedType == fromType && a.RelatedId == fromId ? a with { RelatedType = toType, RelatedId = toId } : a), cancellationToken: cancellationToken);
        }
    }

    /// <summary>Leaving the bin needs its record live (else it would be restored out of reach) and the caller's edit of it.</summary>
    public async Task EnsureCanRestoreAsync(Caller caller, string id, CancellationToken cancellationToken)
    {
        if (await store.FindInBinAsync(caller.TenantId, id, cancellationToken) is not { } binned)
        {
            return; // the engine answers 404
        }
        try
        {
            await parents.ReachAsync(caller, binned.RelatedType, binned.RelatedId, Permissions.Actions.Edit, cancellationToken);
        }
        catch (NotFoundException)
        {
            throw new ConflictException(RelatedDeleted, $"The {binned.RelatedType} this file was on is deleted; restore it first.");
        }
    }

    /// <summary>A restored file counts against the quota again.</summary>
    public Task OnRestoredAsync(Caller caller, RecordBase restored, CancellationToken cancellationToken) =>
        usage.AddAsync(caller.TenantId, ((Attachment)restored).StoredBytes, null, 0, cancellationToken);
}
