using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;
using Crm.Domain.Access;
using Crm.Domain.Attachments;
using Crm.Domain.Common;
using Crm.Platform.Web;
using Crm.Storage.Triggers;
using Microsoft.Extensions.Options;
using ValidationException = Crm.Domain.Common.ValidationException;

namespace Crm.Platform.Attachments;

/// <summary>The body of <c>POST /api/v1/attachments/uploads</c>: a record to attach to, or an attachment to add a version to.</summary>
public sealed record StartUpload
{
    [StringLength(50)]
    public string? RelatedType { get; init; }

    [StringLength(26)]
    public string? RelatedId { get; init; }

    /// <summary>Upload a new version of this attachment instead.</summary>
    [StringLength(26)]
    public string? AttachmentId { get; init; }

    [Required, StringLength(1000, MinimumLength = 1)]
    public string FileName { get; init; } = "";

    /// <summary>The file's exact size in bytes.</summary>
    [Range(1, long.MaxValue)]
    public long Size { get; init; }
}

/// <summary>
/// Resumable uploads for large files over unreliable links: the blocks are staged in the version's blob (Blob
/// Storage's own staged blocks, so the service holds one block at a time), and the commit checks that every block
/// is there with its length, commits them, and then treats the file as a one-request upload does.
/// </summary>
public sealed class AttachmentUploads(UploadSessionStore sessions, AttachmentService attachments, AttachmentParents parents, AttachmentFiles files,
    AttachmentUsage usage, IOptions<AttachmentOptions> options, TimeProvider clock)
{
    public const string Incomplete = "upload.incomplete";
    public const string BlockLengthWrong = "upload.block_length";

    public async Task<UploadSession> StartAsync(Caller caller, StartUpload input, CancellationToken cancellationToken)
    {
        var name = FileNames.Sanitise(input.FileName);
        AttachmentQuota.EnsureFits(input.Size, await usage.UsedAsync(caller.TenantId, cancellationToken), options.Value.TenantQuotaBytes, options.Value.MaxFileBytes);
        var now = clock.GetUtcNow();
        Attachment? current = null;
        AttachmentParent? parent = null;
        if (input.AttachmentId is { } attachmentId)
        {
            if (input.RelatedType is not null || input.RelatedId is not null)
            {
                throw new ValidationException("attachmentId", "Give a record (relatedType and relatedId) or an attachment, not both.");
            }
            current = await attachments.GetForNewVersionAsync(caller, attachmentId, cancellationToken);
        }
        else
        {
            parent = await parents.ReachAsync(caller, input.RelatedType ?? throw new ValidationException("relatedType", "Give the record's type (or an attachmentId)."),
                input.RelatedId ?? throw new ValidationException("relatedId", "Give the record's id."), Permissions.Actions.Edit, cancellationToken);
        }
        var blockSize = options.Value.UploadBlockBytes;
        var session = new UploadSession
        {
            Id = Ids.New(now), RelatedType = current?.RelatedType ?? parent!.Type, RelatedId = current?.RelatedId ?? parent!.Record.Id,
            ForAttachmentId = current?.Id, AttachmentId = current?.Id ?? Ids.New(now), FileId = Ids.New(now), Name = name, Size = input.Size,
            BlockSize = blockSize, BlockCount = UploadSession.BlocksFor(input.Size, blockSize),
            CreatedBy = caller.UserId, CreatedAt = now, ExpiresAt = now.AddHours(options.Value.UploadSessionHours),
        };
        await sessions.SaveAsync(caller.TenantId, session, cancellationToken);
        return session;
    }

    /// <summary>The caller's session with the blocks received so far: what a resumed upload still has to send.</summary>
    public async Task<UploadSession> GetAsync(Caller caller, string id, CancellationToken cancellationToken)
    {
        var session = await sessions.GetOwnAsync(caller.TenantId, caller.UserId, id, cancellationToken);
        var staged = await StagedAsync(caller.TenantId, session, cancellationToken);
        return session with { ReceivedBlocks = [.. staged.Where(b => b.Value == session.BlockLength(b.Key)).Select(b => b.Key).Order()] };
    }

    /// <summary>Stages one block; sending a block again replaces it.</summary>
    public async Task PutBlockAsync(Caller caller, string id, string index, HttpRequest request, CancellationToken cancellationToken)
    {
        var session = await sessions.GetOwnAsync(caller.TenantId, caller.UserId, id, cancellationToken);
        var number = int.TryParse(index, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n
            : throw new ValidationException("index", "Give the block's number, from 0.", "upload.block_out_of_range");
        var length = session.BlockLength(number);
        if (request.ContentLength != length)
        {
            throw new ValidationException("Content-Length", $"Block {number} has exactly {length:N0} bytes.", BlockLengthWrong);
        }
        // One block (a few MiB at most, bounded by UploadBlockBytes) is held, so the SDK can resend it on a retry.
        var buffer = new byte[length];
        await request.Body.ReadExactlyAsync(buffer, cancellationToken);
        var blob = await files.BlobAsync(caller.TenantId, session.AttachmentId, session.FileId, cancellationToken);
        await blob.StageBlockAsync(BlockId(number), new MemoryStream(buffer), cancellationToken: cancellationToken);
    }

    /// <summary>Every block there with its length: committed, sniffed, hashed, counted, scanned and recorded as one upload is.</summary>
    public async Task<(Attachment Attachment, bool Created)> CommitAsync(Caller caller, string id, CancellationToken cancellationToken)
    {
        var session = await sessions.GetOwnAsync(caller.TenantId, caller.UserId, id, cancellationToken);
        var staged = await StagedAsync(caller.TenantId, session, cancellationToken);
        var missing = Enumerable.Range(0, session.BlockCount).Where(i => staged.GetValueOrDefault(i, -1) != session.BlockLength(i)).ToList();
        if (missing.Count > 0)
        {
            throw new ConflictException(Incomplete, $"{missing.Count} of {session.BlockCount} blocks are missing or of the wrong length; send them and commit again.",
                new Dictionary<string, object?> { ["missingBlocks"] = missing.Take(100).ToList() });
        }
        // Checked again: the record may have moved out of reach, or another version come first, since the start.
        var parent = session.ForAttachmentId is null ? await parents.ReachAsync(caller, session.RelatedType, session.RelatedId, Permissions.Actions.Edit, cancellationToken) : null;
        var current = session.ForAttachmentId is { } forId ? await attachments.GetForNewVersionAsync(caller, forId, cancellationToken) : null;
        var blob = await files.BlobAsync(caller.TenantId, session.AttachmentId, session.FileId, cancellationToken);
        await blob.CommitBlockListAsync(Enumerable.Range(0, session.BlockCount).Select(BlockId), cancellationToken: cancellationToken);
        string contentType, sha256;
        try
        {
            (contentType, sha256) = await InspectAsync(blob, session.Name, cancellationToken);
            await blob.SetHttpHeadersAsync(new BlobHttpHeaders { ContentType = contentType }, cancellationToken: cancellationToken);
        }
        catch
        {
            await blob.DeleteIfExistsAsync(cancellationToken: CancellationToken.None);
            throw;
        }
        var number = current is null ? 1 : current.CurrentVersion + 1;
        var version = await attachments.AcceptAsync(caller, session.AttachmentId, number, session.FileId, session.Name, contentType, session.Size, sha256, blob, cancellationToken);
        var attachment = parent is not null
            ? await attachments.AddAsync(caller, parent, session.AttachmentId, version, cancellationToken)
            : await attachments.AddVersionAsync(caller, session.AttachmentId, null, version, cancellationToken);
        await sessions.DeleteAsync(caller.TenantId, session.Id, cancellationToken);
        return (attachment, parent is not null);
    }

    public async Task AbandonAsync(Caller caller, string id, CancellationToken cancellationToken)
    {
        var session = await sessions.GetOwnAsync(caller.TenantId, caller.UserId, id, cancellationToken);
        await sessions.DeleteAsync(caller.TenantId, session.Id, cancellationToken);
    }

    /// <summary>The committed file's sniffed (and allowed) type and its SHA-256, read through once.</summary>
    private async Task<(string ContentType, string Sha256)> InspectAsync(BlockBlobClient blob, string name, CancellationToken cancellationToken)
    {
        await using var stream = await blob.OpenReadAsync(cancellationToken: cancellationToken);
        var (head, complete) = await UploadStream.ReadHeadAsync(stream, cancellationToken);
        var contentType = attachments.EnsureAllowed(head, complete, name);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(head);
        var buffer = new byte[81920];
        int read;
        while ((read = await stream.ReadAsync(buffer, cancellationToken)) > 0)
        {
            hash.AppendData(buffer, 0, read);
        }
        return (contentType, Convert.ToHexStringLower(hash.GetHashAndReset()));
    }

    /// <summary>The staged (uncommitted) blocks by number, with their lengths; none before the first block is sent.</summary>
    private async Task<Dictionary<int, long>> StagedAsync(string tenantId, UploadSession session, CancellationToken cancellationToken)
    {
        var blob = await files.BlobAsync(tenantId, session.AttachmentId, session.FileId, cancellationToken);
        try
        {
            var list = await blob.GetBlockListAsync(BlockListTypes.Uncommitted, cancellationToken: cancellationToken);
            return list.Value.UncommittedBlocks.Select(b => (Number: BlockNumber(b.Name), b.SizeLong)).Where(b => b.Number >= 0)
                .ToDictionary(b => b.Number, b => b.SizeLong);
        }
        catch (Azure.RequestFailedException e) when (e.Status == 404)
        {
            return [];
        }
    }

    /// <summary>Block ids must all have the same length: the number, zero-padded, in base64.</summary>
    private static string BlockId(int number) => Convert.ToBase64String(Encoding.ASCII.GetBytes(number.ToString("D6", CultureInfo.InvariantCulture)));

    private static int BlockNumber(string blockId)
    {
        try
        {
            return int.TryParse(Encoding.ASCII.GetString(Convert.FromBase64String(blockId)), NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : -1;
        }
        catch (FormatException)
        {
            return -1;
        }
    }
}

/// <summary>Forgets upload sessions past their expiry; Blob Storage drops their uncommitted blocks by itself (after 7 days).</summary>
public sealed class UploadSessionExpiryJob(UploadSessionStore sessions, ILogger<UploadSessionExpiryJob> logger) : ITimerJob
{
    public const string Name = "upload-session-expiry";

    public async Task RunAsync(TimerJobContext context, CancellationToken cancellationToken)
    {
        var expired = new List<(string, string)>();
        await foreach (var (tenantId, session) in sessions.ExpiredAsync(cancellationToken))
        {
            expired.Add((tenantId, session.Id));
        }
        foreach (var (tenantId, id) in expired)
        {
            await sessions.DeleteAsync(tenantId, id, cancellationToken);
        }
        if (expired.Count > 0)
        {
            logger.LogInformation("Removed {Count} expired upload sessions", expired.Count);
        }
    }
}
