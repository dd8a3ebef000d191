using System.Text.RegularExpressions;
using Crm.Domain.Commerce;

namespace Crm.Commerce.Documents;

/// <summary>
/// Renders a printable document (a quote, contract or purchase order mapped by its own feature) through the
/// tenant's template for its kind, or the built-in one. Stateless apart from the template store; one per process.
/// </summary>
public sealed partial class DocumentRenderer(DocumentTemplateStore templates)
{
    public const string PdfType = "application/pdf";
    public const string HtmlType = "text/html; charset=utf-8";

    public async Task<RenderedDocument> RenderAsync(string tenantId, PrintableDocument document, DocumentFormat format, CancellationToken cancellationToken)
    {
        var template = await templates.GetAsync(tenantId, document.Kind, cancellationToken);
        return Render(document, template.Template, format);
    }

    /// <summary>Renders with the given template (a draft being previewed, or one already read).</summary>
    public static RenderedDocument Render(PrintableDocument document, DocumentTemplate template, DocumentFormat format) => format switch
    {
        DocumentFormat.Html => new RenderedDocument(HtmlType, HtmlDocumentWriter.Write(document, template), FileName(document, "html")),
        _ => new RenderedDocument(PdfType, PdfDocumentWriter.Write(document, template), FileName(document, "pdf")),
    };

    [GeneratedRegex("[^A-Za-z0-9._-]+")]
    private static partial Regex Unsafe();

    /// <summary>An ASCII file name from the kind and number (<c>quote-Q-2026-0042.pdf</c>): safe in any Content-Disposition.</summary>
    private static string FileName(PrintableDocument document, string extension) =>
        $"{DocumentLabels.Kind(document.Kind)}-{Unsafe().Replace(document.Number, "-").Trim('-')}.{extension}";
}
