using Crm.Domain.Common;

namespace Crm.Domain.Attachments;

/// <summary>
/// A resumable upload: the file is sent as numbered blocks (each exactly <see cref="BlockSize"/> bytes but the last),
/// in any order and again after a failure, then committed into an attachment, or a new version of one
/// (<see cref="ForAttachmentId"/>). Only its creator uses it; after <see cref="ExpiresAt"/> it is gone.
/// </summary>
public sealed record UploadSession
{
    public string Id { get; init; } = "";
    public string RelatedType { get; init; } = "";
    public string RelatedId { get; init; } = "";

    /// <summary>Set when the upload is a new version of this attachment.</summary>
    public string? ForAttachmentId { get; init; }

    /// <summary>The attachment the commit makes (or adds a version to).</summary>
    public string AttachmentId { get; init; } = "";

    /// <summary>The blob the blocks are staged in, named as a version's bytes are.</summary>
    public string FileId { get; init; } = "";
    public string Name { get; init; } = "";
    public long Size { get; init; }
    public int BlockSize { get; init; }
    public int BlockCount { get; init; }
    public string CreatedBy { get; init; } = "";
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset ExpiresAt { get; init; }

    /// <summary>The blocks staged so far (filled in when the session is read).</summary>
    public IReadOnlyList<int> ReceivedBlocks { get; init; } = [];

    public static int BlocksFor(long size, int blockSize) => (int)Math.Max(1, (size + blockSize - 1) / blockSize);

    /// <summary>The length block <paramref name="index"/> must have; 400 for an index outside the file.</summary>
    public long BlockLength(int index) =>
        index >= 0 && index < BlockCount
            ? index < BlockCount - 1 ? BlockSize : Size - (long)BlockSize * (BlockCount - 1)
            : throw new ValidationException("index", $"The file has blocks 0 to {BlockCount - 1}.", "upload.block_out_of_range");
}
