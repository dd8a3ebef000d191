using System.ComponentModel.DataAnnotations;
using Crm.Domain.Access;
using Crm.Domain.Attachments;
using Crm.Domain.Common;
using Crm.Platform.Access;
using Crm.Platform.Attachments;
using Crm.Platform.Records;
using Crm.Platform.Web;
using Crm.Storage.Records;
using Microsoft.AspNetCore.Http.HttpResults;
using ValidationException = Crm.Domain.Common.ValidationException;

namespace Crm.Platform.Documents;

/// <summary>A folder's create body and the view a merge patch applies to: a new name is a rename, a new parent a move.</summary>
public sealed record DocumentFolderFields
{
    [Required, NotBlank, StringLength(FileNames.MaxLength, MinimumLength = 1)]
    public string Name { get; init; } = "";

    /// <summary>A top-level folder when not given.</summary>
    [StringLength(26)]
    public string? ParentId { get; init; }
}

/// <summary>Folders are the <c>documents</c> module's records, at <c>/api/v1/document-folders</c>.</summary>
public sealed class DocumentFolderRecordType : RecordType<DocumentFolder>
{
    public override string Name => "documentFolder";
    public override string Table => "documents";
    public override string Collection => "document-folders";
    public override string DisplayName(DocumentFolder record) => record.Name;

    /// <summary>Names are unique among siblings, as in a file system.</summary>
    public override IEnumerable<UniqueKey> UniqueKeys(DocumentFolder record) =>
        [new("name", $"{record.ParentId}~{TextNormalizer.Normalize(record.Name)}", "documentFolder.duplicate_name",
            $"A folder named '{record.Name}' already exists in the same folder.")];

    public override IReadOnlyList<string> IndexedFields => ["parentId"];

    public override IReadOnlySet<string> FilterableFields { get; } = new HashSet<string>(["name", "parentId", "createdAt", "createdBy", "updatedAt", "updatedBy"]);
}

/// <summary>
/// The folder tree's rules: names are file names (sanitised the same way), a parent exists, no move under itself,
/// and only an empty folder (no sub-folders, no documents) is deleted; it comes back from the bin only under a live parent.
/// </summary>
public sealed class DocumentFolderService(RecordStore<DocumentFolder> store, RecordStore<Attachment> attachments, OwnedAccess access, TimeProvider clock)
    : RecordService<DocumentFolder, DocumentFolderFields>(store, access, clock), IRestoreGuard
{
    public string TypeName => Store.TypeName;

    protected override async ValueTask<DocumentFolder> CreatingAsync(Caller caller, DocumentFolderFields input, DocumentFolder record, DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        await EnsureParentAsync(caller.TenantId, record.ParentId, cancellationToken);
        return record with { Name = FileNames.Sanitise(record.Name, "name") };
    }

    protected override async ValueTask<DocumentFolder> UpdatingAsync(Caller caller, DocumentFolder current, DocumentFolderFields changes, DocumentFolder updated,
        CancellationToken cancellationToken)
    {
        if (updated.ParentId != current.ParentId)
        {
            await EnsureParentAsync(caller.TenantId, updated.ParentId, cancellationToken);
            await TreeRules.EnsureNoCycleAsync(Store.TypeName, current.Id, updated.ParentId,
                async c => (await Store.FindAsync(caller.TenantId, c, cancellationToken))?.ParentId);
        }
        return updated with { Name = FileNames.Sanitise(updated.Name, "name") };
    }

    protected override async Task DeletingAsync(Caller caller, string id, CancellationToken cancellationToken)
    {
        if (await Store.AnyWithFieldAsync(caller.TenantId, "parentId", id, cancellationToken))
        {
            throw new ConflictException("documentFolder.has_children", "Move or delete the sub-folders first.");
        }
        if (await attachments.AnyWithFieldAsync(caller.TenantId, "relatedId", id, cancellationToken))
        {
            throw new ConflictException("documentFolder.not_empty", "Move or delete the folder's documents first.");
        }
    }

    public async Task EnsureCanRestoreAsync(Caller caller, string id, CancellationToken cancellationToken)
    {
        if ((await Store.FindInBinAsync(caller.TenantId, id, cancellationToken))?.ParentId is { } parentId
            && await Store.FindAsync(caller.TenantId, parentId, cancellationToken) is null)
        {
            throw new ConflictException("documentFolder.parent_deleted", "Restore the parent folder first.");
        }
    }

    private async Task EnsureParentAsync(string tenantId, string? parentId, CancellationToken cancellationToken)
    {
        if (parentId is not null && await Store.FindAsync(tenantId, parentId, cancellationToken) is null)
        {
            throw new ValidationException("parentId", $"No folder with id '{parentId}'.", "documentFolder.parent_not_found");
        }
    }
}

/// <summary>What a folder holds: its sub-folders (by name) and a page of its documents (newest first).</summary>
public sealed record FolderContents(DocumentFolder Folder, IReadOnlyList<DocumentFolder> Folders, Page<Attachment> Documents);

public static class DocumentRegistration
{
    /// <summary>The document library: folders as module records (permission module <c>documents</c>), documents as the folders' attachments.</summary>
    public static IServiceCollection AddDocuments(this IServiceCollection services)
    {
        services.AddModuleRecords<DocumentFolder, DocumentFolderRecordType, DocumentFolderFields, DocumentFolderService>("Documents", "DocumentFolder", "DocumentFolders");
        services.AddSingleton<IRestoreGuard>(sp => sp.GetRequiredService<DocumentFolderService>());
        services.AddSingleton<IApiFeature, DocumentRoutes>();
        services.AddBuiltInRoleGrants(
            BuiltInRoleGrant.Of(BuiltInRoles.SalesManager, ["documents"], "view", "create", "edit", "delete"),
            BuiltInRoleGrant.Of(BuiltInRoles.SalesRep, ["documents"], "view", "create", "edit"),
            BuiltInRoleGrant.Of(BuiltInRoles.ServiceAgent, ["documents"], "view"));
        return services;
    }
}

public sealed class DocumentRoutes : IApiFeature
{
    public void Map(IEndpointRouteBuilder api) =>
        api.MapGet("/api/v1/document-folders/{id}/contents", Contents).WithTags("Documents").RequirePermission("documents.view")
            .WithName("GetDocumentFolderContents").WithSummary("A folder's sub-folders and a page of its documents (attachments with relatedType documentFolder)");

    public static async Task<Ok<FolderContents>> Contents(string id, DocumentFolderService folders, AttachmentService attachments, HttpContext context,
        int limit = 50, string? cursor = null)
    {
        var caller = context.Caller();
        var folder = Ids.IsWellFormed(id) ? await folders.Store.FindAsync(caller.TenantId, id, context.RequestAborted) : null;
        if (folder is null)
        {
            throw new NotFoundException(folders.TypeName, id);
        }
        var children = new List<DocumentFolder>();
        await foreach (var child in folders.Store.ListAllAsync(caller.TenantId, new ListQuery { FieldEquals = [new("parentId", id)], Sort = "name", Limit = 200 }, context.RequestAborted))
        {
            children.Add(child);
        }
        var documents = await attachments.ListAsync(caller, folders.TypeName, id, limit, cursor, context.RequestAborted);
        return TypedResults.Ok(new FolderContents(folder, children, documents));
    }
}
