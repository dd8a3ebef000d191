using System.Text;
using Crm.Commerce.Documents;
using Crm.Domain.Commerce;
using UglyToad.PdfPig;

namespace Crm.UnitTests.Commerce;

public sealed class DocumentRendererTests
{
    [Fact]
    public void ALongDocumentRunsOnToPagesThatEachRepeatTheTableHeaderAndNumberThemselves()
    {
        var rendered = DocumentRenderer.Render(DocumentSample.Create(PrintableKind.Quote, 120), DocumentTemplates.Default, DocumentFormat.Pdf);

        Assert.Equal("application/pdf", rendered.ContentType);
        Assert.Equal("quote-Q-2026-0001.pdf", rendered.FileName);
        using var pdf = PdfDocument.Open(rendered.Content);
        Assert.True(pdf.NumberOfPages >= 3, $"{pdf.NumberOfPages} pages");
        foreach (var page in pdf.GetPages())
        {
            var text = Text(page);
            Assert.Contains("Unit price", text);
            Assert.Contains($"{page.Number} / {pdf.NumberOfPages}", text);
        }
        var all = string.Concat(pdf.GetPages().Select(Text));
        Assert.Contains(DocumentSample.SellerName, all);
        Assert.Contains("产品 120 号", all);
        Assert.Contains("付款条件", all);
    }

    [Fact]
    public void TheTotalsArePrintedWithTheCurrencysMinorUnit()
    {
        var document = DocumentSample.Create(PrintableKind.Quote, 1) with { Totals = new PrintableTotals(1234567.891m, 0, 1.5m, 1234569.391m) };

        using var pdf = PdfDocument.Open(DocumentRenderer.Render(document with { Currency = "CNY" }, DocumentTemplates.Default, DocumentFormat.Pdf).Content);
        Assert.Contains("1,234,569.39", Text(pdf.GetPage(1)));
        Assert.Equal("1,234,569", DocumentValues.FormatAmount(1234569.391m, "JPY"));
        Assert.Equal("1,234,569.391", DocumentValues.FormatAmount(1234569.391m, "KWD"));
        Assert.Equal("0.50", DocumentValues.FormatAmount(0.5m, "EUR"));
    }

    [Fact]
    public void PlaceholdersEncodeEveryValueAndReportUnknownNames()
    {
        var document = DocumentSample.Create(PrintableKind.Quote, 2) with { Buyer = new PrintableParty { Name = "<script>alert(1)</script> & Co" } };
        var template = DocumentTemplates.Default with { Html = "<p>{{buyer.name}}</p><ul>{{#lines}}<li>{{line.name}} {{line.gross}} {{number}}</li>{{/lines}}</ul>" };

        var html = Encoding.UTF8.GetString(DocumentRenderer.Render(document, template, DocumentFormat.Html).Content);

        Assert.Contains("<p>&lt;script&gt;alert(1)&lt;/script&gt; &amp; Co</p>", html);
        Assert.DoesNotContain("<script>", html);
        Assert.Equal(2, html.Split("<li>").Length - 1);
        Assert.StartsWith("<!DOCTYPE html>", html);
        Assert.Equal(["{{buyer.fax}}", "{{line.name}}", "{{#lines}} without {{/lines}}"],
            DocumentPlaceholders.Problems("{{buyer.fax}} {{line.name}} {{#lines}}{{line.name}}", linesAllowed: true));
        Assert.Empty(DocumentPlaceholders.Problems(DocumentTemplates.DefaultHtml, linesAllowed: true));
    }

    [Fact]
    public void LongTextWrapsAtSpacesAndBetweenChineseCharacters()
    {
        var document = DocumentSample.Create(PrintableKind.Contract, 1) with { Terms = new string('条', 400) + " " + string.Join(' ', Enumerable.Repeat("terms", 200)) };

        using var pdf = PdfDocument.Open(DocumentRenderer.Render(document, DocumentTemplates.Default with { PageSize = DocumentPageSize.Letter }, DocumentFormat.Pdf).Content);
        var page = pdf.GetPage(1);
        Assert.Equal(612, page.Width, 0);
        var termLines = page.GetWords().Where(w => w.Text.Contains('条', StringComparison.Ordinal)).Select(w => Math.Round(w.BoundingBox.Bottom)).Distinct().Count();
        Assert.True(termLines >= 4, $"{termLines} lines of Chinese terms");
        Assert.All(page.Letters, l => Assert.True(l.BoundingBox.Right <= page.Width - 39, $"{l.Value} runs off the page"));
    }

    private static string Text(UglyToad.PdfPig.Content.Page page) => string.Concat(page.Letters.Select(l => l.Value));
}
