using Crm.Domain.Access;
using Crm.Domain.Common;
using Crm.Platform.Access;
using Crm.Platform.Records;
using Crm.Platform.Web;
using Crm.Storage.Records;

namespace Crm.Collaboration.Links;

/// <summary>A record another one links to, as the caller found it: its type, id and what it is called.</summary>
public sealed record RelatedRecord(string Type, string Id, string Name, RecordBase Record);

/// <summary>
/// The records tasks, events, tags and bookmarks may point at: every record type with a permission module of its
/// own (owned records, catalogues), found by its singular name. The caller must see the record as its own routes
/// would show it: with the module's view permission and, for an owned record, within their data scope or team.
/// A record out of reach answers 404 as if it did not exist, so a link never confirms what the caller may not see.
/// </summary>
internal sealed class RelatedRecords(RecordTypeRegistry registry, RecordDeclarations declarations, OwnedAccess access)
{
    public IRecordStore? Find(string type) =>
        registry.Find(type) is { } store && declarations.HasModule(store.TableName) ? store : null;

    public IRecordStore Get(string type, string field, string code) => Find(type)
        ?? throw new ValidationException(field, $"Records of type '{type}' cannot be linked; use a record type such as customer, contact, opportunity or contract.", code);

    /// <summary>The record when the caller may see it, else 404.</summary>
    public async Task<RelatedRecord> VisibleAsync(Caller caller, string type, string id, string typeField, string code, CancellationToken cancellationToken) =>
        await FindVisibleAsync(caller, Get(type, typeField, code), id, cancellationToken) ?? throw new NotFoundException(type, id);

    /// <summary>The record when the caller may see it, else null (deleted, out of scope, or without the view permission).</summary>
    public async Task<RelatedRecord?> FindVisibleAsync(Caller caller, IRecordStore store, string id, CancellationToken cancellationToken)
    {
        if (!caller.Access.Has($"{store.TableName}.{Permissions.Actions.View}"))
        {
            return null;
        }
        var record = await store.FindRecordAsync(caller.TenantId, id, cancellationToken);
        if (record is null || record is IOwnedRecord owned && !await access.MaySeeAsync(caller, store.TableName, owned, cancellationToken))
        {
            return null;
        }
        return new RelatedRecord(store.TypeName, record.Id, store.DisplayNameOf(record), record);
    }
}
