using System.Text;
using PdfSharp.Drawing;

namespace Crm.Commerce.Documents;

/// <summary>
/// Line breaking for the PDF: at spaces where a line has them, else between any two characters, as Chinese text
/// (which has no spaces) breaks. Widths are the sum of each character's advance, measured once per font and cached.
/// </summary>
internal sealed class PdfTextLayout(XGraphics graphics)
{
    private readonly Dictionary<(XFont Font, Rune Rune), double> widths = [];

    public double Width(string text, XFont font)
    {
        var width = 0d;
        foreach (var rune in text.EnumerateRunes())
        {
            width += Advance(rune, font);
        }
        return width;
    }

    public List<string> Wrap(string? text, XFont font, double width)
    {
        var lines = new List<string>();
        if (string.IsNullOrEmpty(text))
        {
            return lines;
        }
        foreach (var paragraph in text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n'))
        {
            var line = new StringBuilder();
            var lineWidth = 0d;
            var lastSpace = -1;
            foreach (var rune in paragraph.EnumerateRunes())
            {
                var advance = Advance(rune, font);
                if (lineWidth + advance > width && line.Length > 0)
                {
                    if (lastSpace > 0 && !Rune.IsWhiteSpace(rune))
                    {
                        // Break at the last space and carry the word begun after it to the next line.
                        var carried = line.ToString(lastSpace + 1, line.Length - lastSpace - 1);
                        lines.Add(line.ToString(0, lastSpace).TrimEnd());
                        line.Clear().Append(carried);
                    }
                    else
                    {
                        lines.Add(line.ToString().TrimEnd());
                        line.Clear();
                    }
                    lastSpace = -1;
                    lineWidth = Width(line.ToString(), font);
                    if (line.Length == 0 && Rune.IsWhiteSpace(rune))
                    {
                        continue;
                    }
                }
                if (Rune.IsWhiteSpace(rune))
                {
                    lastSpace = line.Length;
                }
                line.Append(rune.ToString());
                lineWidth += advance;
            }
            lines.Add(line.ToString().TrimEnd());
        }
        return lines;
    }

    private double Advance(Rune rune, XFont font)
    {
        if (!widths.TryGetValue((font, rune), out var width))
        {
            widths[(font, rune)] = width = graphics.MeasureString(rune.ToString(), font).Width;
        }
        return width;
    }
}
