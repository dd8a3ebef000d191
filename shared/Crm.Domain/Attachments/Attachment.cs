using Crm.Domain.Common;

namespace Crm.Domain.Attachments;

/// <summary>Where a file version stands with the malware scanner: only <see cref="Clean"/> versions are served.</summary>
public enum ScanStatus
{
    PendingScan,
    Clean,
    Infected,
}

/// <summary>One uploaded version of an attachment; its bytes are the blob <c>{tenantId}/{attachmentId}/{fileId}</c>.</summary>
public sealed record AttachmentVersion
{
    public int Number { get; init; }

    /// <summary>
    /// Names the version's bytes: fresh for every upload, so two uploads racing for the same version number never
    /// write (or, the loser, delete) the same blob.
    /// </summary>
    public string FileId { get; init; } = "";
    public string Name { get; init; } = "";
    public long Size { get; init; }

    /// <summary>Sniffed from the bytes, never taken from the client.</summary>
    public string ContentType { get; init; } = "";

    /// <summary>Lower-case hex SHA-256 of the bytes.</summary>
    public string Sha256 { get; init; } = "";
    public ScanStatus ScanStatus { get; init; }
    public string UploadedBy { get; init; } = "";
    public DateTimeOffset UploadedAt { get; init; }
}

/// <summary>
/// A file on a record (<see cref="RelatedType"/> and <see cref="RelatedId"/>, as follow-ups name theirs) or in a
/// document folder (related type <c>documentFolder</c>). Who may see the record sees its files. The top-level
/// name, size, type, hash and scan status are the current (newest) version's; <see cref="Versions"/> keeps them all.
/// </summary>
public sealed record Attachment : RecordBase
{
    public string RelatedType { get; init; } = "";
    public string RelatedId { get; init; } = "";
    public string Name { get; init; } = "";
    public long Size { get; init; }
    public string ContentType { get; init; } = "";
    public string Sha256 { get; init; } = "";
    public ScanStatus ScanStatus { get; init; }
    public int CurrentVersion { get; init; }
    public IReadOnlyList<AttachmentVersion> Versions { get; init; } = [];

    /// <summary>The attachment with <paramref name="version"/> added as its current one.</summary>
    public Attachment WithVersion(AttachmentVersion version) => this with
    {
        Name = version.Name, Size = version.Size, ContentType = version.ContentType, Sha256 = version.Sha256,
        ScanStatus = version.ScanStatus, CurrentVersion = version.Number, Versions = [.. Versions, version],
    };

    /// <summary>The attachment with one version's scan verdict set (the top level too when it is the current one).</summary>
    public Attachment WithScanStatus(int number, ScanStatus status) => this with
    {
        ScanStatus = number == CurrentVersion ? status : ScanStatus,
        Versions = [.. Versions.Select(v => v.Number == number ? v with { ScanStatus = status } : v)],
    };

    /// <summary>Bytes every version holds: what the tenant's quota counts for this attachment.</summary>
    public long StoredBytes => Versions.Sum(v => v.Size);

    public AttachmentVersion VersionNumbered(int? number) =>
        Versions.FirstOrDefault(v => v.Number == (number ?? CurrentVersion))
        ?? throw new NotFoundException("attachmentVersion", (number ?? CurrentVersion).ToString(System.Globalization.CultureInfo.InvariantCulture));
}
