using System.Text;
using Crm.Domain.Attachments;
using Crm.Domain.Common;

namespace Crm.UnitTests.Attachments;

public sealed class AttachmentRulesTests
{
    [Theory]
    [InlineData("report.pdf", "report.pdf")]
    [InlineData("../../etc/passwd", "passwd")]
    [InlineData("C:\\temp\\a.docx", "a.docx")]
    [InlineData("nul.txt", "_nul.txt")]
    [InlineData("COM1", "_COM1")]
    [InlineData("tab\there\u0000.csv", "tabhere.csv")]
    [InlineData("rtl\u202Egpj.exe", "rtlgpj.exe")]
    [InlineData("what?.pdf", "what_.pdf")]
    [InlineData("  spaced .pdf . ", "spaced .pdf")]
    [InlineData("合同 2026.pdf", "合同 2026.pdf")]
    public void NamesAreSanitised(string given, string expected) => Assert.Equal(expected, FileNames.Sanitise(given));

    [Theory]
    [InlineData("")]
    [InlineData(null)]
    [InlineData("..")]
    [InlineData("dir/")]
    [InlineData("\u0001\u0002")]
    public void NamesWithNothingLeftAreRefused(string? given) =>
        Assert.Equal(FileNames.InvalidCode, Assert.Throws<ValidationException>(() => FileNames.Sanitise(given)).Code);

    [Fact]
    public void LongNamesKeepTheirExtension()
    {
        var name = FileNames.Sanitise(new string('a', 300) + ".xlsx");
        Assert.Equal(FileNames.MaxLength, name.Length);
        Assert.EndsWith(".xlsx", name, StringComparison.Ordinal);
        // A cut never splits a surrogate pair.
        var emoji = FileNames.Sanitise(string.Concat(Enumerable.Repeat("😀", 150)));
        Assert.True(emoji.Length <= FileNames.MaxLength && !char.IsHighSurrogate(emoji[^1]));
    }

    [Theory]
    [InlineData(new byte[] { 0x25, 0x50, 0x44, 0x46, 0x2D, 0x31 }, "a.bin", "application/pdf")]
    [InlineData(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0 }, "a.pdf", "image/png")]
    [InlineData(new byte[] { 0xFF, 0xD8, 0xFF, 0xE0 }, "a.png", "image/jpeg")]
    [InlineData(new byte[] { 0x47, 0x49, 0x46, 0x38, 0x39, 0x61 }, "a", "image/gif")]
    [InlineData(new byte[] { 0x52, 0x49, 0x46, 0x46, 1, 0, 0, 0, 0x57, 0x45, 0x42, 0x50 }, "a", "image/webp")]
    [InlineData(new byte[] { 0x4D, 0x5A, 0x90, 0 }, "invoice.pdf", ContentSniffer.Executable)]
    [InlineData(new byte[] { 0x7F, 0x45, 0x4C, 0x46 }, "a.txt", ContentSniffer.Executable)]
    [InlineData(new byte[] { 0x50, 0x4B, 0x03, 0x04, 0 }, "a.zip", "application/zip")]
    [InlineData(new byte[] { 0x00, 0x01, 0x02 }, "a.txt", ContentSniffer.OctetStream)]
    public void TypesAreSniffedFromTheBytes(byte[] head, string name, string expected) => Assert.Equal(expected, ContentSniffer.Sniff(head, true, name));

    [Theory]
    [InlineData("word/document.xml", ContentSniffer.Docx)]
    [InlineData("xl/workbook.xml", ContentSniffer.Xlsx)]
    [InlineData("ppt/presentation.xml", ContentSniffer.Pptx)]
    public void OfficeFilesAreTheirZipsFirstParts(string part, string expected)
    {
        byte[] zip = [0x50, 0x4B, 0x03, 0x04, .. new byte[26], .. "[Content_Types].xml"u8, .. new byte[40], 0x50, 0x4B, 0x03, 0x04, .. new byte[26], .. Encoding.ASCII.GetBytes(part)];
        Assert.Equal(expected, ContentSniffer.Sniff(zip, false, "upload.bin"));
    }

    [Fact]
    public void TextIsUtf8WithoutControlCharacters()
    {
        Assert.Equal("text/csv", ContentSniffer.Sniff("名前,金額\r\n合同,100\r\n"u8, true, "Export.CSV"));
        Assert.Equal("text/plain", ContentSniffer.Sniff([.. Encoding.UTF8.Preamble, .. "note\tok\n"u8], true, "a.txt"));
        // A head cut inside a character is still text; the same bytes as a whole file are not.
        var cut = Encoding.UTF8.GetBytes("合同")[..4];
        Assert.Equal("text/plain", ContentSniffer.Sniff(cut, false, "a.txt"));
        Assert.Equal(ContentSniffer.OctetStream, ContentSniffer.Sniff(cut, true, "a.txt"));
        Assert.Equal(ContentSniffer.OctetStream, ContentSniffer.Sniff("<script>\0"u8, true, "a.html"));
    }

    [Fact]
    public void TheAllowanceIsTheSmallerOfTheFileLimitAndWhatIsLeftOfTheQuota()
    {
        Assert.Equal(100, AttachmentQuota.Allowance(0, 1000, 100));
        Assert.Equal(50, AttachmentQuota.Allowance(950, 1000, 100));
        Assert.Equal(0, AttachmentQuota.Allowance(1200, 1000, 100));
        AttachmentQuota.EnsureFits(100, 900, 1000, 100);
        Assert.Equal(AttachmentQuota.FileTooLarge, Assert.Throws<PayloadTooLargeException>(() => AttachmentQuota.EnsureFits(101, 0, 1000, 100)).Code);
        Assert.Equal(AttachmentQuota.QuotaExceeded, Assert.Throws<PayloadTooLargeException>(() => AttachmentQuota.EnsureFits(100, 901, 1000, 100)).Code);
    }
}
