using System.Text;
using System.Text.Unicode;

namespace Crm.Domain.Attachments;

/// <summary>
/// The media type a file's first bytes say it is, whatever its name or the client claims: magic numbers for the
/// binary formats, the first entries of a ZIP for the Office formats, and valid UTF-8 without control characters
/// for text (CSV when its name says so). No maintained .NET package reachable here does this without a native
/// libmagic, and the handful of formats an allow-list names fit in a page.
/// </summary>
public static class ContentSniffer
{
    /// <summary>How many leading bytes <see cref="Sniff"/> looks at: enough for the first ZIP entries of an Office file.</summary>
    public const int HeadLength = 8 * 1024;

    public const string OctetStream = "application/octet-stream";
    public const string Executable = "application/x-msdownload";
    public const string Docx = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
    public const string Xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
    public const string Pptx = "application/vnd.openxmlformats-officedocument.presentationml.presentation";

    /// <param name="head">The first bytes (up to <see cref="HeadLength"/>).</param>
    /// <param name="complete">True when <paramref name="head"/> is the whole file (a text's last character is not cut).</param>
    /// <param name="fileName">Only tells CSV from other text.</param>
    public static string Sniff(ReadOnlySpan<byte> head, bool complete, string fileName)
    {
        if (head.StartsWith("%PDF-"u8))
        {
            return "application/pdf";
        }
        if (head.StartsWith((ReadOnlySpan<byte>)[0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]))
        {
            return "image/png";
        }
        if (head.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xD8, 0xFF]))
        {
            return "image/jpeg";
        }
        if (head.StartsWith("GIF87a"u8) || head.StartsWith("GIF89a"u8))
        {
            return "image/gif";
        }
        if (head.Length >= 12 && head.StartsWith("RIFF"u8) && head[8..12].SequenceEqual("WEBP"u8))
        {
            return "image/webp";
        }
        if (head.StartsWith("MZ"u8) || head.StartsWith((ReadOnlySpan<byte>)[0x7F, 0x45, 0x4C, 0x46]))
        {
            return Executable;
        }
        if (head.StartsWith("PK\x03\x04"u8))
        {
            return Zip(head);
        }
        return IsText(head, complete)
            ? fileName.EndsWith(".csv", StringComparison.OrdinalIgnoreCase) ? "text/csv" : "text/plain"
            : OctetStream;
    }

    /// <summary>An Office Open XML file is a ZIP whose part names start with its kind's folder.</summary>
    private static string Zip(ReadOnlySpan<byte> head)
    {
        if (head.IndexOf("word/"u8) >= 0)
        {
            return Docx;
        }
        if (head.IndexOf("xl/"u8) >= 0)
        {
            return Xlsx;
        }
        return head.IndexOf("ppt/"u8) >= 0 ? Pptx : "application/zip";
    }

    private static bool IsText(ReadOnlySpan<byte> head, bool complete)
    {
        if (head.IsEmpty)
        {
            return true;
        }
        var text = head.StartsWith(Encoding.UTF8.Preamble) ? head[3..] : head;
        foreach (var b in text)
        {
            if (b < 0x20 && b is not (byte)'\t' and not (byte)'\n' and not (byte)'\r' and not 0x0C)
            {
                return false;
            }
        }
        if (Utf8.IsValid(text))
        {
            return true;
        }
        // The head may end inside a character: a cut-off sequence of up to three bytes is not a fault.
        for (var cut = 1; !complete && cut <= 3 && cut < text.Length; cut++)
        {
            if (Utf8.IsValid(text[..^cut]))
            {
                return true;
            }
        }
        return false;
    }
}
