using Crm.Domain.Access;
using Crm.Domain.Commerce;
using Crm.Domain.Common;
using Crm.Platform.Access;
using Crm.Platform.Records;
using Crm.Platform.Web;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.ModelBinding;

namespace Crm.Commerce.Documents;

/// <summary>
/// Each tenant's templates of printable documents. Templates are tenant settings, so reading and changing them
/// needs <c>settings.manage</c> (no narrower view permission exists yet; ADR 0006).
/// </summary>
public static class DocumentTemplateEndpoints
{
    public static IEndpointRouteBuilder MapDocumentTemplates(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/document-templates").WithTags("Documents").RequirePermission(Permissions.SettingsManage);
        group.MapGet("/{kind}", GetDocumentTemplate).WithName("GetDocumentTemplate")
            .WithSummary("The tenant's template of a kind of document (quote, contract, purchaseOrder), or the built-in one");
        group.MapPut("/{kind}", PutDocumentTemplate).WithName("PutDocumentTemplate")
            .WithSummary("Replace the tenant's template of a kind of document (If-Match required: the version a GET answered)");
        group.MapPost("/{kind}/preview", PreviewDocumentTemplate).WithName("PreviewDocumentTemplate")
            .WithSummary("Render a sample document (format=pdf|html) through the body's draft template, or the tenant's when the body is empty")
            .Produces(StatusCodes.Status200OK, contentType: DocumentRenderer.PdfType, additionalContentTypes: ["text/html"]);
        return routes;
    }

    public static async Task<Ok<DocumentTemplateView>> GetDocumentTemplate(string kind, DocumentTemplateStore store, HttpContext context)
    {
        var view = await store.GetAsync(context.Caller().TenantId, Kind(kind), context.RequestAborted);
        context.Response.Headers.ETag = Preconditions.ETag(view.Version);
        return TypedResults.Ok(view);
    }

    public static async Task<Ok<DocumentTemplateView>> PutDocumentTemplate(string kind, DocumentTemplate template, DocumentTemplateStore store, HttpContext context)
    {
        var parsed = Kind(kind);
        // A template is replaced as a whole, so a write that does not name the version it replaces is refused.
        if (context.Request.Headers.IfMatch.Count == 0)
        {
            throw new PreconditionRequiredException();
        }
        var view = await store.PutAsync(context.Caller().TenantId, parsed, DocumentTemplates.Check(template), Preconditions.IfMatch(context), context.RequestAborted);
        context.Response.Headers.ETag = Preconditions.ETag(view.Version);
        return TypedResults.Ok(view);
    }

    public static async Task<FileContentHttpResult> PreviewDocumentTemplate(string kind, [FromBody(EmptyBodyBehavior = EmptyBodyBehavior.Allow)] DocumentTemplate? template,
        DocumentTemplateStore store, HttpContext context, string? format = null)
    {
        var parsed = Kind(kind);
        var draft = template is null ? (await store.GetAsync(context.Caller().TenantId, parsed, context.RequestAborted)).Template : DocumentTemplates.Check(template);
        return DocumentResults.File(context, DocumentRenderer.Render(DocumentSample.Create(parsed), draft, Format(format)));
    }

    /// <summary>The <c>format</c> query parameter of a document route: pdf (the default) or html.</summary>
    public static DocumentFormat Format(string? format) => format?.ToLowerInvariant() switch
    {
        null or "" or "pdf" => DocumentFormat.Pdf,
        "html" => DocumentFormat.Html,
        _ => throw new ValidationException("format", "pdf or html."),
    };

    private static PrintableKind Kind(string kind) => kind switch
    {
        "quote" => PrintableKind.Quote,
        "contract" => PrintableKind.Contract,
        "purchaseOrder" => PrintableKind.PurchaseOrder,
        _ => throw new NotFoundException("documentTemplate", kind),
    };
}

/// <summary>How a rendered document is answered, for the preview here and the document routes of quotes and the rest.</summary>
public static class DocumentResults
{
    public static FileContentHttpResult File(HttpContext context, RenderedDocument document)
    {
        var headers = context.Response.Headers;
        headers.XContentTypeOptions = "nosniff";
        headers.CacheControl = "private, no-store";
        if (document.ContentType.StartsWith("text/html", StringComparison.Ordinal))
        {
            headers.ContentSecurityPolicy = HtmlDocumentWriter.ContentSecurityPolicy;
        }
        headers.ContentDisposition = $"inline; filename=\"{document.FileName}\"";
        return TypedResults.File(document.Content, document.ContentType);
    }
}
