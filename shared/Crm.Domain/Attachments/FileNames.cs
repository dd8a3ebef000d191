using System.Globalization;
using System.Text;
using Crm.Domain.Common;

namespace Crm.Domain.Attachments;

/// <summary>
/// A client's file name made safe to store and to send back in <c>Content-Disposition</c>: the last path segment
/// only, no control or format characters (a right-to-left override can disguise <c>exe.pdf</c>), no characters
/// Windows refuses, no trailing dots or spaces, no device names, at most <see cref="MaxLength"/> characters with
/// the extension kept.
/// </summary>
public static class FileNames
{
    public const int MaxLength = 200;
    public const string InvalidCode = "attachment.invalid_name";

    private static readonly string[] Reserved = ["CON", "PRN", "AUX", "NUL", "CLOCK$",
        .. Enumerable.Range(0, 10).SelectMany(i => new[] { $"COM{i}", $"LPT{i}" }), "COM¹", "COM²", "COM³", "LPT¹", "LPT²", "LPT³"];

    private const string Forbidden = "<>:\"|?*";

    public static string Sanitise(string? name, string field = "fileName")
    {
        var text = (name ?? "").Normalize(NormalizationForm.FormC);
        text = text[(text.LastIndexOfAny(['/', '\\']) + 1)..];
        var clean = new StringBuilder(text.Length);
        foreach (var rune in text.EnumerateRunes())
        {
            var category = Rune.GetUnicodeCategory(rune);
            if (category is UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.Surrogate or UnicodeCategory.PrivateUse
                or UnicodeCategory.OtherNotAssigned or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator)
            {
                continue;
            }
            clean.Append(rune.IsAscii && Forbidden.Contains((char)rune.Value, StringComparison.Ordinal) ? "_" : rune.ToString());
        }
        var result = clean.ToString().Trim().TrimEnd('.', ' ');
        if (result.Length == 0 || result.All(c => c == '.'))
        {
            throw new ValidationException(field, "Give a file name with at least one letter or digit that is not a path separator, dot or control character.", InvalidCode);
        }
        var stem = result.Split('.')[0].TrimEnd(' ');
        if (Reserved.Contains(stem, StringComparer.OrdinalIgnoreCase))
        {
            result = "_" + result;
        }
        return Shorten(result);
    }

    /// <summary>Cuts the stem, not the extension, and never between the halves of a surrogate pair.</summary>
    private static string Shorten(string name)
    {
        if (name.Length <= MaxLength)
        {
            return name;
        }
        var dot = name.LastIndexOf('.');
        var extension = dot > 0 && name.Length - dot <= 16 ? name[dot..] : "";
        var keep = MaxLength - extension.Length;
        if (char.IsHighSurrogate(name[keep - 1]))
        {
            keep--;
        }
        return name[..keep].TrimEnd('.', ' ') + extension;
    }
}
