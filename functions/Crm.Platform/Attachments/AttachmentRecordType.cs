using Crm.Domain.Attachments;
using Crm.Storage.Records;

namespace Crm.Platform.Attachments;

/// <summary>
/// Attachments are records of the engine (versioned, audited, in the change feed and the recycle bin), without the
/// shared CRUD routes: their own endpoints check access on the record they are attached to.
/// </summary>
public sealed class AttachmentRecordType : RecordType<Attachment>
{
    public override string Name => "attachment";
    public override string Table => "attachments";
    public override string DisplayName(Attachment record) => record.Name;

    /// <summary>A record's attachments are one index range: its list, a conversion's move.</summary>
    public override IReadOnlyList<string> IndexedFields => ["relatedId"];

    public override IReadOnlySet<string> FilterableFields { get; } = new HashSet<string>(["relatedType", "relatedId", "contentType", "createdAt", "createdBy", "updatedAt"]);
}
