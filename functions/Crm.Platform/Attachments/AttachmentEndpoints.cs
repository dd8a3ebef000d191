using System.ComponentModel;
using Crm.Domain.Access;
using Crm.Domain.Attachments;
using Crm.Domain.Common;
using Crm.Platform.Access;
using Crm.Platform.Records;
using Crm.Platform.Web;
using Crm.Storage.Records;
using Crm.Storage.Tenants;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Net.Http.Headers;

namespace Crm.Platform.Attachments;

/// <summary>The parts of an upload, as the OpenAPI document shows them; the handler streams them itself.</summary>
public sealed record AttachmentForm(
    [property: Description("The record's singular type: customer, lead, contact, opportunity, quote, documentFolder...")] string RelatedType,
    [property: Description("The record's id.")] string RelatedId,
    [property: Description("The file, after the fields; its type is sniffed from its bytes.")] IFormFile File) : IMultipartForm;

/// <summary>A new version: the file part only (its name becomes the attachment's name).</summary>
public sealed record AttachmentVersionForm([property: Description("The new version's bytes.")] IFormFile File) : IMultipartForm;

/// <summary>
/// <c>/api/v1/attachments</c>: files on records. Access follows the record (view to read, edit to attach), so the
/// handlers check it; downloads stream from Blob Storage through the API with range requests.
/// </summary>
public static class AttachmentEndpoints
{
    public static void Map(IEndpointRouteBuilder api, AttachmentOptions options)
    {
        var group = api.MapGroup("/api/v1/attachments").WithTags("Attachments");
        // A multipart envelope around one file of the largest size allowed.
        var limit = new RequestSizeLimitAttribute(options.MaxFileBytes + 64 * 1024);
        group.MapPost("", Upload).AnyCaller().DisableAntiforgery().WithMetadata(limit).WithName("UploadAttachment")
            .WithSummary("Attach a file to a record you may edit (multipart/form-data: relatedType, relatedId, then file); 201 with the attachment")
            .Accepts<AttachmentForm>("multipart/form-data").Produces<Attachment>(StatusCodes.Status201Created);
        group.MapGet("", List).AnyCaller().WithName("ListAttachments").WithSummary("A record's files you may view, newest first");
        group.MapGet("/{id}", Get).AnyCaller().WithName("GetAttachment").WithSummary("An attachment with its versions");
        group.MapGet("/{id}/content", Download).AnyCaller().WithName("DownloadAttachment")
            .WithSummary("The file's bytes (the current version, or ?version=n), with range requests; 409 attachment.infected, 423 attachment.scan_pending")
            .ProducesFile("application/octet-stream").ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status423Locked);
        group.MapPost("/{id}/versions", UploadVersion).AnyCaller().DisableAntiforgery().WithMetadata(limit).ChecksIfMatch().WithName("UploadAttachmentVersion")
            .WithSummary("Upload a new current version (multipart/form-data: file); older versions stay downloadable")
            .Accepts<AttachmentVersionForm>("multipart/form-data").Produces<Attachment>();
        group.MapDelete("/{id}", Delete).AnyCaller().WithName("DeleteAttachment").WithSummary("Move an attachment to the recycle bin");
    }

    public static async Task<Created<Attachment>> Upload(HttpContext context, AttachmentService attachments)
    {
        var caller = context.Caller();
        var created = await MultipartUpload.ReadAsync(context.Request, (fields, fileName, body) => attachments.UploadAsync(caller,
            fields.GetValueOrDefault("relatedType") ?? throw new ValidationException("relatedType", "Give the record's type before the file."),
            fields.GetValueOrDefault("relatedId") ?? throw new ValidationException("relatedId", "Give the record's id before the file."),
            fileName, body, context.RequestAborted), context.RequestAborted);
        Preconditions.SetETag(context, created);
        return TypedResults.Created($"/api/v1/attachments/{created.Id}", created);
    }

    public static async Task<Ok<Page<Attachment>>> List(string relatedType, string relatedId, AttachmentService attachments, HttpContext context,
        int limit = 50, string? cursor = null) =>
        TypedResults.Ok(await attachments.ListAsync(context.Caller(), relatedType, relatedId, limit, cursor, context.RequestAborted));

    public static async Task<Ok<Attachment>> Get(string id, AttachmentService attachments, HttpContext context)
    {
        var attachment = await attachments.GetAsync(context.Caller(), id, Permissions.Actions.View, context.RequestAborted);
        Preconditions.SetETag(context, attachment);
        return TypedResults.Ok(attachment);
    }

    /// <summary>
    /// Streams the blob (read in chunks, seekable for ranges); <c>nosniff</c> and an attachment disposition keep a
    /// browser from running an uploaded HTML or script in the API's origin.
    /// </summary>
    public static async Task<FileStreamHttpResult> Download(string id, AttachmentService attachments, HttpContext context, int? version = null)
    {
        var file = await attachments.DownloadAsync(context.Caller(), id, version, context.RequestAborted);
        var stream = await file.Blob.OpenReadAsync(cancellationToken: context.RequestAborted);
        context.Response.Headers.XContentTypeOptions = "nosniff";
        return TypedResults.Stream(stream, file.Version.ContentType, file.Version.Name, file.Version.UploadedAt,
            new EntityTagHeaderValue($"\"{file.Version.Sha256}\""), enableRangeProcessing: true);
    }

    public static async Task<Ok<Attachment>> UploadVersion(string id, HttpContext context, AttachmentService attachments, TenantStore tenants)
    {
        var caller = context.Caller();
        var ifMatch = await Preconditions.RequiredIfMatchAsync(context, tenants, caller.TenantId);
        var updated = await MultipartUpload.ReadAsync(context.Request, (_, fileName, body) =>
            attachments.UploadVersionAsync(caller, id, ifMatch, fileName, body, context.RequestAborted), context.RequestAborted);
        Preconditions.SetETag(context, updated);
        return TypedResults.Ok(updated);
    }

    public static async Task<NoContent> Delete(string id, AttachmentService attachments, TenantStore tenants, HttpContext context)
    {
        var caller = context.Caller();
        var ifMatch = await Preconditions.RequiredIfMatchAsync(context, tenants, caller.TenantId);
        await attachments.DeleteAsync(caller, id, ifMatch, context.RequestAborted);
        return TypedResults.NoContent();
    }
}
