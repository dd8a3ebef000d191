using System.ComponentModel.DataAnnotations;
using Crm.Domain.Commerce;

namespace Crm.Commerce.Documents;

/// <summary>
/// A tenant's layout of one kind of printable document. Data, not code: the PDF is laid out by the renderer from
/// these choices, and the HTML page is <see cref="Html"/> with the small placeholder vocabulary of
/// <see cref="DocumentPlaceholders"/>, every substituted value HTML-encoded.
/// </summary>
public sealed record DocumentTemplate
{
    /// <summary>Lines under the seller's name (address, bank details…); placeholders allowed. Null: the seller's address, phone, e-mail and tax id.</summary>
    [StringLength(DocumentLimits.HeaderChars)]
    public string? Header { get; init; }

    /// <summary>Printed after the terms on the last page; placeholders allowed.</summary>
    [StringLength(DocumentLimits.FooterChars)]
    public string? Footer { get; init; }

    [RegularExpression("^#[0-9A-Fa-f]{6}$", ErrorMessage = "A colour as #RRGGBB.")]
    public string AccentColor { get; init; } = "#1F4E79";

    public DocumentPageSize PageSize { get; init; } = DocumentPageSize.A4;

    /// <summary>The line table's columns, in order, each with an optional label (else the built-in one).</summary>
    // Required: a body's "columns": null (or "labels": null) otherwise passed MinLength, which lets null through, and
    // failed as a 500 where the columns were read.
    [Required, MinLength(1), MaxLength(DocumentLimits.Columns)]
    public IReadOnlyList<DocumentColumn> Columns { get; init; } = DocumentTemplates.DefaultColumns;

    /// <summary>Label key (<see cref="DocumentLabels.Keys"/>) → text, in any language; missing keys keep the built-in English.</summary>
    [Required]
    public IReadOnlyDictionary<string, string> Labels { get; init; } = new Dictionary<string, string>();

    /// <summary>The HTML page's body; null for the built-in one.</summary>
    [StringLength(DocumentLimits.HtmlChars)]
    public string? Html { get; init; }
}

public sealed record DocumentColumn(DocumentColumnField Field, [property: StringLength(DocumentLimits.LabelChars)] string? Label = null);

public enum DocumentColumnField
{
    Position,
    Code,
    Name,
    Quantity,
    Unit,
    UnitPrice,
    DiscountPercent,
    TaxPercent,
    Net,
    Tax,
    Gross,
}

public enum DocumentPageSize
{
    A4,
    Letter,
}

public enum DocumentFormat
{
    Pdf,
    Html,
}

/// <summary>What a GET answers: the template in force and whether it is the built-in one (never saved by the tenant).</summary>
public sealed record DocumentTemplateView(PrintableKind Kind, bool BuiltIn, string Version, DocumentTemplate Template);

/// <summary>A rendered document, ready to send.</summary>
public sealed record RenderedDocument(string ContentType, byte[] Content, string FileName);

public static class DocumentLimits
{
    public const int HtmlChars = 16_000;
    public const int HeaderChars = 2_000;
    public const int FooterChars = 4_000;
    public const int LabelChars = 100;
    public const int Columns = 11;
}
