using Crm.Domain.Attachments;

namespace Crm.Platform.Attachments;

/// <summary>Attachment and document limits (configuration section <c>Attachments</c>).</summary>
public sealed class AttachmentOptions
{
    public const string Section = "Attachments";

    /// <summary>One file (one version); a bigger one answers 413 <c>attachment.too_large</c>.</summary>
    public long MaxFileBytes { get; set; } = 100L * 1024 * 1024;

    /// <summary>All of a tenant's files, every version counted, until deleted; beyond it 413 <c>attachment.quota_exceeded</c>.</summary>
    public long TenantQuotaBytes { get; set; } = 10L * 1024 * 1024 * 1024;

    /// <summary>Media types (as sniffed from the bytes) that may be uploaded; others answer 415 <c>attachment.type_not_allowed</c>.</summary>
    public IList<string> AllowedContentTypes { get; set; } =
    [
        "application/pdf", "image/png", "image/jpeg", "image/gif", "image/webp", "text/plain", "text/csv", "application/zip",
        ContentSniffer.Docx, ContentSniffer.Xlsx, ContentSniffer.Pptx,
    ];

    /// <summary>The block size of a resumable upload: every block but the last has exactly this many bytes.</summary>
    public int UploadBlockBytes { get; set; } = 4 * 1024 * 1024;

    /// <summary>An upload session not committed within this many hours expires (its staged blocks are dropped by Blob Storage).</summary>
    public int UploadSessionHours { get; set; } = 24;
}
