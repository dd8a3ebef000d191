using Crm.Domain.Access;
using Crm.Domain.Common;
using Crm.Platform.Access;
using Crm.Platform.Records;
using Crm.Platform.Web;
using Crm.Storage.Records;

namespace Crm.Platform.Attachments;

/// <summary>The record a file is on, as the caller reached it.</summary>
public sealed record AttachmentParent(string Type, string Module, RecordBase Record);

/// <summary>
/// Access to a file is access to its record: who may view the record (its module's <c>view</c> within their data
/// scope) sees its files, who may edit it attaches and removes them. Any record type with a permission module of
/// its own may have files (customers, leads, quotes, products, document folders...), found by its singular name.
/// A record in the recycle bin has no reachable files: they leave and come back with it.
/// </summary>
public sealed class AttachmentParents(RecordTypeRegistry registry, RecordDeclarations declarations, RecordGuard guard)
{
    public const string UnknownType = "attachment.related_type_unknown";

    public async Task<AttachmentParent> ReachAsync(Caller caller, string type, string id, string action, CancellationToken cancellationToken)
    {
        var store = Find(type);
        caller.Require($"{store.TableName}.{action}");
        var record = Ids.IsWellFormed(id) ? await store.FindRecordAsync(caller.TenantId, id, cancellationToken) : null;
        if (record is null)
        {
            throw new NotFoundException(store.TypeName, id);
        }
        // Without view the record is out of sight: 404 for it, not 403, whatever the action.
        await guard.EnsureAsync(caller, store.TypeName, store.TableName, Permissions.Actions.View, record, cancellationToken);
        if (action != Permissions.Actions.View)
        {
            await guard.EnsureAsync(caller, store.TypeName, store.TableName, action, record, cancellationToken);
        }
        return new AttachmentParent(store.TypeName, store.TableName, record);
    }

    /// <summary>The store of a type that may have files; 400 naming the types for any other.</summary>
    public IRecordStore Find(string type) =>
        registry.Find(type) is { } store && declarations.HasModule(store.TableName) && store.TypeName != "attachment"
            ? store
            : throw new ValidationException("relatedType",
                $"Files may be attached to: {string.Join(", ", registry.Stores.Where(s => declarations.HasModule(s.TableName)).Select(s => s.TypeName))}.", UnknownType);
}
