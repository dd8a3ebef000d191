using Crm.Domain.Common;

namespace Crm.Domain.Attachments;

/// <summary>The size rules an upload meets: one file's limit and the tenant's quota, with stable codes for 413.</summary>
public static class AttachmentQuota
{
    public const string FileTooLarge = "attachment.too_large";
    public const string QuotaExceeded = "attachment.quota_exceeded";

    /// <summary>The most bytes the next file may have: the per-file limit, or what is left of the quota if that is less.</summary>
    public static long Allowance(long usedBytes, long quotaBytes, long maxFileBytes) => Math.Max(0, Math.Min(maxFileBytes, quotaBytes - usedBytes));

    /// <summary>Throws the 413 that says which limit <paramref name="size"/> breaks.</summary>
    public static void EnsureFits(long size, long usedBytes, long quotaBytes, long maxFileBytes)
    {
        if (size > maxFileBytes)
        {
            throw new PayloadTooLargeException(FileTooLarge, $"A file may have at most {maxFileBytes:N0} bytes.");
        }
        if (usedBytes + size > quotaBytes)
        {
            throw new PayloadTooLargeException(QuotaExceeded,
                $"The tenant's files may take at most {quotaBytes:N0} bytes; {usedBytes:N0} are used, {Math.Max(0, quotaBytes - usedBytes):N0} are left.");
        }
    }
}
