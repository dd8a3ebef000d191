using System.Net;
using System.Text;
using Crm.Domain.Commerce;

namespace Crm.Commerce.Documents;

/// <summary>
/// The HTML page: a standalone document with inline CSS around the template's body. Every value is HTML-encoded
/// (line breaks become <c>&lt;br&gt;</c>); only the table cells the renderer builds itself are inserted as markup.
/// </summary>
internal static class HtmlDocumentWriter
{
    /// <summary>Served with every HTML document: no scripts, no fetches, nothing but the inline styles of the page.</summary>
    public const string ContentSecurityPolicy = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    private static readonly HashSet<string> Markup = [DocumentValues.ColumnHeaders, DocumentValues.LineCells];

    public static byte[] Write(PrintableDocument document, DocumentTemplate template)
    {
        var values = new DocumentValues(document, template,
            name => name == DocumentValues.ColumnHeaders ? Headers(document, template) : null,
            (index, name) => name == DocumentValues.LineCells ? Cells(document, template, index) : null);
        var body = DocumentPlaceholders.Render(template.Html ?? DocumentTemplates.DefaultHtml, values, Encode, Markup);
        var page = new StringBuilder(body.Length + 2048);
        page.Append("<!DOCTYPE html>\n<html>\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>")
            .Append(Encode($"{document.Title} {document.Number}")).Append("</title>\n<style>\n")
            .Append(Css(template)).Append("</style>\n</head>\n<body>\n").Append(body).Append("\n</body>\n</html>\n");
        return Encoding.UTF8.GetBytes(page.ToString());
    }

    private static string Encode(string text) => WebUtility.HtmlEncode(text).Replace("\r\n", "\n", StringComparison.Ordinal).Replace("\n", "<br>", StringComparison.Ordinal);

    private static string Headers(PrintableDocument document, DocumentTemplate template) =>
        string.Concat(template.Columns.Select(c => $"<th class=\"{Class(c.Field)}\">{Encode(DocumentLabels.Column(c, template, document))}</th>"));

    private static string Cells(PrintableDocument document, DocumentTemplate template, int index)
    {
        var values = new DocumentValues(document, template);
        var line = document.Lines[index];
        return string.Concat(template.Columns.Select(c =>
        {
            var cell = Encode(values.Cell(line, c.Field));
            if (c.Field == DocumentColumnField.Name && !string.IsNullOrEmpty(line.Description))
            {
                cell += $"<div class=\"description\">{Encode(line.Description)}</div>";
            }
            return $"<td class=\"{Class(c.Field)}\">{cell}</td>";
        }));
    }

    private static string Class(DocumentColumnField field) => DocumentValues.IsNumeric(field) ? "num" : "text";

    // The accent colour is checked as #RRGGBB before it gets here, so it is safe inside the style sheet.
    private static string Css(DocumentTemplate template) => $$"""
        @page { size: {{(template.PageSize == DocumentPageSize.Letter ? "letter" : "A4")}}; margin: 15mm; }
        body { font-family: "Noto Sans SC", "PingFang SC", "Microsoft YaHei", "Source Han Sans SC", sans-serif; font-size: 10pt; color: #222; margin: 0 auto; max-width: 190mm; }
        h1 { color: {{template.AccentColor}}; font-size: 16pt; margin: 0 0 4pt; }
        h2 { font-size: 16pt; margin: 0 0 4pt; }
        h3 { color: {{template.AccentColor}}; font-size: 9pt; text-transform: uppercase; margin: 12pt 0 2pt; }
        .top { display: flex; justify-content: space-between; border-bottom: 1pt solid {{template.AccentColor}}; padding-bottom: 8pt; }
        .meta { text-align: right; }
        table { border-collapse: collapse; }
        table.lines { width: 100%; margin-top: 12pt; }
        table.lines thead { display: table-header-group; }
        table.lines th { background: {{template.AccentColor}}; color: #fff; font-size: 8.5pt; padding: 4pt; }
        table.lines td { padding: 4pt; border-bottom: 0.5pt solid #e1e4e8; vertical-align: top; }
        table.lines tbody tr:nth-child(even) { background: #f6f7f9; }
        table.lines tr { page-break-inside: avoid; }
        .num { text-align: right; white-space: nowrap; }
        .text { text-align: left; }
        .description { color: #666; font-size: 8pt; }
        table.totals { margin: 10pt 0 0 auto; }
        table.totals th { text-align: right; font-weight: normal; padding: 2pt 12pt; }
        table.totals td { text-align: right; padding: 2pt 0; }
        table.totals tr.gross th, table.totals tr.gross td { font-weight: bold; font-size: 11pt; border-top: 1pt solid {{template.AccentColor}}; }
        footer { margin-top: 16pt; color: #555; font-size: 8.5pt; }

        """;
}
