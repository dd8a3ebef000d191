using System.Diagnostics;
using System.Globalization;
using Crm.Commerce.Documents;
using Crm.Domain.Commerce;

namespace Crm.Benchmarks;

/// <summary>PDF render time of a 50-line and a 500-line document through the built-in template, in process: no storage.</summary>
internal static class DocumentBench
{
    public static Task RunAsync(TextWriter output)
    {
        // The first render reads the font and warms PDFsharp; it is reported on its own.
        var first = Stopwatch.StartNew();
        DocumentRenderer.Render(DocumentSample.Create(PrintableKind.Quote, 50), DocumentTemplates.Default, DocumentFormat.Pdf);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"documents: first render (font load) {first.Elapsed.TotalMilliseconds:F0} ms"));
        foreach (var (lines, runs) in new[] { (50, 40), (500, 10) })
        {
            var document = DocumentSample.Create(PrintableKind.Quote, lines);
            var times = new List<double>();
            var bytes = 0;
            for (var i = 0; i < runs; i++)
            {
                var watch = Stopwatch.StartNew();
                var rendered = DocumentRenderer.Render(document, DocumentTemplates.Default, DocumentFormat.Pdf);
                times.Add(watch.Elapsed.TotalMilliseconds);
                bytes = rendered.Content.Length;
            }
            times.Sort();
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"documents: {lines} lines, {runs} runs: p50 {times[times.Count / 2]:F1} ms, p95 {times[(int)Math.Ceiling(times.Count * 0.95) - 1]:F1} ms, {bytes:N0} bytes"));
        }
        return Task.CompletedTask;
    }
}
