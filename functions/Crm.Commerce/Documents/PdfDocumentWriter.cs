using System.Globalization;
using Crm.Domain.Commerce;
using PdfSharp.Drawing;
using PdfSharp.Pdf;

namespace Crm.Commerce.Documents;

/// <summary>
/// The PDF: seller header and document facts, the buyer, the line table (its header repeated on every page a long
/// document runs to, long names wrapped, numbers right-aligned), the totals, terms, notes and footer, and "1 / 3"
/// page numbers. Layout comes from the template's choices; no template markup reaches the PDF.
/// </summary>
internal sealed class PdfDocumentWriter : IDisposable
{
    private const double Margin = 40;
    private const double CellPadding = 3;
    private const double FooterSpace = 24;

    private static readonly XPdfFontOptions Unicode = new(PdfFontEncoding.Unicode);
    private static readonly XFont Body = new(DocumentFonts.Family, 9, XFontStyleEx.Regular, Unicode);
    private static readonly XFont Small = new(DocumentFonts.Family, 7.5, XFontStyleEx.Regular, Unicode);
    private static readonly XFont BodyBold = new(DocumentFonts.Family, 9, XFontStyleEx.Bold, Unicode);
    private static readonly XFont HeadBold = new(DocumentFonts.Family, 8, XFontStyleEx.Bold, Unicode);
    private static readonly XFont Seller = new(DocumentFonts.Family, 14, XFontStyleEx.Bold, Unicode);
    private static readonly XFont Title = new(DocumentFonts.Family, 16, XFontStyleEx.Bold, Unicode);
    private static readonly XFont GrossFont = new(DocumentFonts.Family, 10.5, XFontStyleEx.Bold, Unicode);

    /// <summary>Fixed widths in points; the name column takes what is left.</summary>
    private static readonly Dictionary<DocumentColumnField, double> Widths = new()
    {
        [DocumentColumnField.Position] = 22, [DocumentColumnField.Code] = 56, [DocumentColumnField.Quantity] = 42,
        [DocumentColumnField.Unit] = 34, [DocumentColumnField.UnitPrice] = 64, [DocumentColumnField.DiscountPercent] = 36,
        [DocumentColumnField.TaxPercent] = 36, [DocumentColumnField.Net] = 68, [DocumentColumnField.Tax] = 58,
        [DocumentColumnField.Gross] = 72,
    };

    private readonly PrintableDocument document;
    private readonly DocumentTemplate template;
    private readonly DocumentValues values;
    private readonly PdfDocument pdf = new();
    private readonly XSize size;
    private readonly XColor accent;
    private readonly PdfTextLayout text;
    private readonly XGraphics measure;
    private readonly (DocumentColumn Column, double X, double Width)[] columns;
    private XGraphics? graphics;
    private double y;

    private PdfDocumentWriter(PrintableDocument document, DocumentTemplate template)
    {
        this.document = document;
        this.template = template;
        values = new DocumentValues(document, template);
        size = template.PageSize == DocumentPageSize.Letter ? new XSize(612, 792) : new XSize(595.28, 841.89);
        accent = XColor.FromArgb(int.Parse(template.AccentColor.AsSpan(1), NumberStyles.HexNumber, CultureInfo.InvariantCulture) | unchecked((int)0xFF000000));
        measure = XGraphics.CreateMeasureContext(size, XGraphicsUnit.Point, XPageDirection.Downwards);
        text = new PdfTextLayout(measure);
        columns = Columns(template.Columns, size.Width - 2 * Margin);
    }

    public static byte[] Write(PrintableDocument document, DocumentTemplate template)
    {
        DocumentFonts.Install();
        using var writer = new PdfDocumentWriter(document, template);
        return writer.Write();
    }

    public void Dispose()
    {
        graphics?.Dispose();
        measure.Dispose();
        pdf.Dispose();
    }

    private XGraphics G => graphics!;
    private double Right => size.Width - Margin;
    private double Bottom => size.Height - Margin - FooterSpace;

    private byte[] Write()
    {
        pdf.Info.Title = $"{document.Title} {document.Number}";
        pdf.Info.Creator = "CRM";
        NewPage();
        WriteHeader();
        WriteTable();
        WriteTotals();
        WriteParagraph(DocumentLabels.Get("terms", template, document), document.Terms);
        WriteParagraph(DocumentLabels.Get("notes", template, document), document.Notes);
        WriteParagraph(null, values.Get("footer"));
        graphics?.Dispose();
        graphics = null;
        WritePageNumbers();
        using var output = new MemoryStream();
        pdf.Save(output, closeStream: false);
        return output.ToArray();
    }

    private void NewPage()
    {
        graphics?.Dispose();
        var page = pdf.AddPage();
        page.Width = XUnit.FromPoint(size.Width);
        page.Height = XUnit.FromPoint(size.Height);
        graphics = XGraphics.FromPdfPage(page);
        y = Margin;
        if (pdf.PageCount > 1)
        {
            G.DrawString($"{document.Title}  {document.Number}", Small, XBrushes.Gray, Margin, y, XStringFormats.TopLeft);
            y += 16;
        }
    }

    private void WriteHeader()
    {
        var half = (size.Width - 2 * Margin) / 2;
        var top = y;
        G.DrawString(document.Seller.Name, Seller, new XSolidBrush(accent), Margin, y, XStringFormats.TopLeft);
        var left = y + 20;
        left = Lines(text.Wrap(values.Header(), Body, half - 10), Body, Margin, left, XBrushes.Black);

        var right = top;
        foreach (var line in text.Wrap(document.Title, Title, half))
        {
            G.DrawString(line, Title, XBrushes.Black, Right, right, XStringFormats.TopRight);
            right += 20;
        }
        foreach (var (label, value) in new[] { ("number", document.Number), ("issuedOn", values.Get("issuedOn")), ("validUntil", values.Get("validUntil")) })
        {
            if (!string.IsNullOrEmpty(value))
            {
                G.DrawString($"{DocumentLabels.Get(label, template, document)}  {value}", Body, XBrushes.Black, Right, right, XStringFormats.TopRight);
                right += Body.Size * 1.4;
            }
        }
        y = Math.Max(left, right) + 12;
        G.DrawLine(new XPen(accent, 1), Margin, y, Right, y);
        y += 8;

        G.DrawString(DocumentLabels.Get("buyer", template, document), HeadBold, new XSolidBrush(accent), Margin, y, XStringFormats.TopLeft);
        y += 12;
        G.DrawString(document.Buyer.Name, BodyBold, XBrushes.Black, Margin, y, XStringFormats.TopLeft);
        y += BodyBold.Size * 1.5;
        var buyer = string.Join('\n', new[]
        {
            document.Buyer.Address, values.Labelled("contact", document.ContactName), values.Labelled("phone", document.Buyer.Phone),
            values.Labelled("email", document.Buyer.Email), values.Labelled("taxId", document.Buyer.TaxId),
        }.Where(s => !string.IsNullOrWhiteSpace(s)));
        y = Lines(text.Wrap(buyer, Body, size.Width - 2 * Margin), Body, Margin, y, XBrushes.Black) + 12;
    }

    private void WriteTable()
    {
        WriteTableHeader();
        var shade = new XSolidBrush(XColor.FromArgb(246, 247, 249));
        for (var i = 0; i < document.Lines.Count; i++)
        {
            var line = document.Lines[i];
            var cells = columns.Select(c => Cell(line, c.Column.Field, c.Width)).ToArray();
            var height = cells.Max(c => c.Height) + 2 * CellPadding;
            var room = Bottom - (y + HeaderHeight());
            if (y + height > Bottom)
            {
                NewPage();
                WriteTableHeader();
            }
            if (height > room)
            {
                // A line taller than a whole page is cut to the page rather than run off it.
                height = room;
            }
            if (i % 2 == 1)
            {
                G.DrawRectangle(shade, Margin, y, size.Width - 2 * Margin, height);
            }
            for (var c = 0; c < columns.Length; c++)
            {
                DrawCell(cells[c], columns[c], y + CellPadding, y + height - CellPadding);
            }
            y += height;
            G.DrawLine(new XPen(XColor.FromArgb(225, 228, 232), 0.5), Margin, y, Right, y);
        }
        y += 10;
    }

    private double HeaderHeight() => HeadBold.Size * 1.4 + 2 * CellPadding;

    private void WriteTableHeader()
    {
        var height = HeaderHeight();
        G.DrawRectangle(new XSolidBrush(accent), Margin, y, size.Width - 2 * Margin, height);
        foreach (var (column, x, width) in columns)
        {
            var label = DocumentLabels.Column(column, template, document);
            var fitted = text.Wrap(label, HeadBold, width - 2 * CellPadding).FirstOrDefault() ?? "";
            if (DocumentValues.IsNumeric(column.Field))
            {
                G.DrawString(fitted, HeadBold, XBrushes.White, x + width - CellPadding, y + CellPadding, XStringFormats.TopRight);
            }
            else
            {
                G.DrawString(fitted, HeadBold, XBrushes.White, x + CellPadding, y + CellPadding, XStringFormats.TopLeft);
            }
        }
        y += height;
    }

    private sealed record CellText(List<(string Text, XFont Font)> Lines, double Height);

    private CellText Cell(PrintableLine line, DocumentColumnField field, double width)
    {
        var inner = width - 2 * CellPadding;
        var lines = text.Wrap(values.Cell(line, field), Body, inner).Select(l => (l, Body)).ToList();
        if (field == DocumentColumnField.Name)
        {
            lines.AddRange(text.Wrap(line.Description, Small, inner).Select(l => (l, Small)));
        }
        return new CellText(lines, lines.Sum(l => LineHeight(l.Item2)));
    }

    private void DrawCell(CellText cell, (DocumentColumn Column, double X, double Width) column, double top, double bottom)
    {
        var numeric = DocumentValues.IsNumeric(column.Column.Field);
        foreach (var (line, font) in cell.Lines)
        {
            if (top + LineHeight(font) > bottom + 0.01)
            {
                break;
            }
            var brush = font == Small ? XBrushes.DimGray : XBrushes.Black;
            if (numeric)
            {
                G.DrawString(line, font, brush, column.X + column.Width - CellPadding, top, XStringFormats.TopRight);
            }
            else
            {
                G.DrawString(line, font, brush, column.X + CellPadding, top, XStringFormats.TopLeft);
            }
            top += LineHeight(font);
        }
    }

    private void WriteTotals()
    {
        var rows = new List<(string Label, string Value, XFont Font)>
        {
            (DocumentLabels.Get("net", template, document), values.Amount(document.Totals.Net), Body),
        };
        if (document.Totals.Discount != 0)
        {
            rows.Add((DocumentLabels.Get("discount", template, document), values.Amount(document.Totals.Discount), Body));
        }
        rows.Add((DocumentLabels.Get("tax", template, document), values.Amount(document.Totals.Tax), Body));
        rows.Add(($"{DocumentLabels.Get("gross", template, document)} ({document.Currency})", values.Amount(document.Totals.Gross), GrossFont));
        var height = rows.Sum(r => LineHeight(r.Font) + 2);
        if (y + height > Bottom)
        {
            NewPage();
        }
        var labelRight = Right - 110;
        foreach (var (label, value, font) in rows)
        {
            if (font == GrossFont)
            {
                G.DrawLine(new XPen(accent, 1), labelRight - 110, y, Right, y);
                y += 3;
            }
            G.DrawString(label, font, XBrushes.Black, labelRight, y, XStringFormats.TopRight);
            G.DrawString(value, font, XBrushes.Black, Right, y, XStringFormats.TopRight);
            y += LineHeight(font) + 2;
        }
        y += 12;
    }

    private void WriteParagraph(string? heading, string? body)
    {
        if (string.IsNullOrWhiteSpace(body))
        {
            return;
        }
        if (heading is not null)
        {
            if (y + LineHeight(HeadBold) + LineHeight(Body) > Bottom)
            {
                NewPage();
            }
            G.DrawString(heading, HeadBold, new XSolidBrush(accent), Margin, y, XStringFormats.TopLeft);
            y += LineHeight(HeadBold);
        }
        foreach (var line in text.Wrap(body, Body, size.Width - 2 * Margin))
        {
            if (y + LineHeight(Body) > Bottom)
            {
                NewPage();
            }
            G.DrawString(line, Body, XBrushes.Black, Margin, y, XStringFormats.TopLeft);
            y += LineHeight(Body);
        }
        y += 10;
    }

    private void WritePageNumbers()
    {
        var count = pdf.PageCount;
        for (var i = 0; i < count; i++)
        {
            using var page = XGraphics.FromPdfPage(pdf.Pages[i], XGraphicsPdfPageOptions.Append);
            page.DrawString($"{i + 1} / {count}", Small, XBrushes.Gray, size.Width / 2, size.Height - Margin, XStringFormats.TopCenter);
        }
    }

    private double Lines(IEnumerable<string> lines, XFont font, double x, double top, XBrush brush)
    {
        foreach (var line in lines)
        {
            G.DrawString(line, font, brush, x, top, XStringFormats.TopLeft);
            top += LineHeight(font);
        }
        return top;
    }

    private static double LineHeight(XFont font) => font.Size * 1.45;

    private static (DocumentColumn, double, double)[] Columns(IReadOnlyList<DocumentColumn> chosen, double width)
    {
        var fixedWidth = chosen.Where(c => c.Field != DocumentColumnField.Name).Sum(c => Widths[c.Field]);
        var hasName = chosen.Any(c => c.Field == DocumentColumnField.Name);
        // Without a name column the fixed ones stretch to the table's width; with it, it takes the rest (at least 90 pt).
        var scale = hasName ? Math.Min(1, (width - 90) / fixedWidth) : width / fixedWidth;
        var nameWidth = hasName ? width - fixedWidth * scale : 0;
        var x = Margin;
        var result = new (DocumentColumn, double, double)[chosen.Count];
        for (var i = 0; i < chosen.Count; i++)
        {
            var w = chosen[i].Field == DocumentColumnField.Name ? nameWidth : Widths[chosen[i].Field] * scale;
            result[i] = (chosen[i], x, w);
            x += w;
        }
        return result;
    }
}
