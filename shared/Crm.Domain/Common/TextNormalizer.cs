using System.Globalization;
using System.Text;

namespace Crm.Domain.Common;

/// <summary>
/// The one normalisation used for uniqueness and prefix search: full-width forms become
/// half-width (NFKC), letters are lower-cased, and all white space is removed, so that
/// "ＡＢＣ 公司" and "abc公司" are the same name.
/// </summary>
public static class TextNormalizer
{
    public static string Normalize(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return "";
        }
        var folded = text.Normalize(NormalizationForm.FormKC).ToLowerInvariant();
        var builder = new StringBuilder(folded.Length);
        foreach (var c in folded)
        {
            if (!char.IsWhiteSpace(c) && CharUnicodeInfo.GetUnicodeCategory(c) != UnicodeCategory.Format)
            {
                builder.Append(c);
            }
        }
        return builder.ToString();
    }

    /// <summary>What a client wrote, trimmed; null for nothing but spaces, so an empty field reads as absent.</summary>
    public static string? Trimmed(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();

    /// <summary>Digits only, for phone search: "+86 138-0000-5678" → "8613800005678".</summary>
    public static string Digits(string? text) =>
        string.IsNullOrEmpty(text) ? "" : new string(text.Normalize(NormalizationForm.FormKC).Where(char.IsAsciiDigit).ToArray());

    /// <summary>
    /// Full-width ASCII forms (U+FF01-U+FF5E, and the ideographic space) as ASCII: what a Chinese IME types into
    /// a phone number or an e-mail address. Nothing else changes (full-width punctuation in prose stays).
    /// </summary>
    public static string FoldWidth(string text)
    {
        if (!text.Any(c => c is >= '\uFF01' and <= '\uFF5E' or '\u3000'))
        {
            return text;
        }
        return string.Create(text.Length, text, (span, source) =>
        {
            for (var i = 0; i < source.Length; i++)
            {
                var c = source[i];
                span[i] = c switch
                {
                    >= '\uFF01' and <= '\uFF5E' => (char)(c - 0xFEE0),
                    '\u3000' => ' ',
                    _ => c,
                };
            }
        });
    }
}
