using Crm.Domain.Common;

namespace Crm.Domain.Attachments;

/// <summary>
/// A folder of the tenant's document library (the <c>documents</c> permission module). Its documents are attachments
/// whose related record is the folder; its sub-folders name it as their parent.
/// </summary>
public sealed record DocumentFolder : RecordBase
{
    public string Name { get; init; } = "";

    /// <summary>A top-level folder when null.</summary>
    public string? ParentId { get; init; }
}
