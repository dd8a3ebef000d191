using Crm.Domain.Attachments;
using Crm.Platform.Access;
using Crm.Platform.Web;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Crm.Platform.Attachments;

/// <summary><c>/api/v1/attachments/uploads</c>: resumable block uploads, used only by the session's creator.</summary>
public static class UploadSessionEndpoints
{
    public static void Map(IEndpointRouteBuilder api, AttachmentOptions options)
    {
        var group = api.MapGroup("/api/v1/attachments/uploads").WithTags("Attachments");
        // Access follows the record (edit to attach), so the handlers check it.
        group.MapPost("", Start).AnyCaller().WithName("StartAttachmentUpload")
            .WithSummary("Start a resumable upload of a file of a given size to a record, or of a new version; 201 with its block size and count");
        group.MapGet("/{id}", Get).AnyCaller().WithName("GetAttachmentUpload").WithSummary("An upload session with the blocks received so far");
        group.MapPut("/{id}/blocks/{index}", PutBlock).AnyCaller().WithMetadata(new RequestSizeLimitAttribute(options.UploadBlockBytes))
            .Accepts<Stream>("application/octet-stream").WithName("PutAttachmentUploadBlock")
            .WithSummary("Send block {index} (from 0): exactly blockSize bytes, the last one the rest; sending it again replaces it");
        group.MapPost("/{id}/commit", Commit).AnyCaller().WithName("CommitAttachmentUpload")
            .WithSummary("Make the attachment (201) or its new version (200) from the blocks; 409 upload.incomplete names the missing ones")
            .Produces<Attachment>(StatusCodes.Status201Created).Produces<Attachment>().ProducesProblem(StatusCodes.Status423Locked);
        group.MapDelete("/{id}", Abandon).AnyCaller().WithName("AbandonAttachmentUpload").WithSummary("Give up an upload session");
    }

    public static async Task<Created<UploadSession>> Start(StartUpload input, AttachmentUploads uploads, HttpContext context)
    {
        var session = await uploads.StartAsync(context.Caller(), input, context.RequestAborted);
        return TypedResults.Created($"/api/v1/attachments/uploads/{session.Id}", session);
    }

    public static async Task<Ok<UploadSession>> Get(string id, AttachmentUploads uploads, HttpContext context) =>
        TypedResults.Ok(await uploads.GetAsync(context.Caller(), id, context.RequestAborted));

    public static async Task<NoContent> PutBlock(string id, string index, AttachmentUploads uploads, HttpContext context)
    {
        await uploads.PutBlockAsync(context.Caller(), id, index, context.Request, context.RequestAborted);
        return TypedResults.NoContent();
    }

    public static async Task<Results<Created<Attachment>, Ok<Attachment>>> Commit(string id, AttachmentUploads uploads, HttpContext context)
    {
        var (attachment, created) = await uploads.CommitAsync(context.Caller(), id, context.RequestAborted);
        Records.Preconditions.SetETag(context, attachment);
        return created ? TypedResults.Created($"/api/v1/attachments/{attachment.Id}", attachment) : TypedResults.Ok(attachment);
    }

    public static async Task<NoContent> Abandon(string id, AttachmentUploads uploads, HttpContext context)
    {
        await uploads.AbandonAsync(context.Caller(), id, context.RequestAborted);
        return TypedResults.NoContent();
    }
}
