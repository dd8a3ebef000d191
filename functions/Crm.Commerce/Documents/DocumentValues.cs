using System.Collections.Frozen;
using System.Globalization;
using Crm.Domain.Commerce;
using Crm.Domain.Common;

namespace Crm.Commerce.Documents;

/// <summary>
/// The vocabulary of templates and the text of each name for one document: dates as ISO dates, amounts with
/// the currency's minor unit (<see cref="Money.MinorUnits"/>), percentages with a % sign.
/// </summary>
public sealed class DocumentValues
{
    /// <summary>Names the renderer fills with its own markup: the chosen columns' header cells and each line's cells.</summary>
    public const string ColumnHeaders = "columns.headers";
    public const string LineCells = "line.cells";

    private static readonly string[] PartyFields = ["name", "address", "phone", "email", "taxId"];

    private static readonly FrozenSet<string> Names = new[]
        {
            "kind", "title", "number", "issuedOn", "validUntil", "currency", "contact", "terms", "notes", "header", "footer",
            "totals.net", "totals.discount", "totals.tax", "totals.gross", ColumnHeaders,
        }
        .Concat(PartyFields.Select(f => "seller." + f)).Concat(PartyFields.Select(f => "buyer." + f))
        .Concat(DocumentLabels.Keys.Select(k => "label." + k))
        .ToFrozenSet(StringComparer.Ordinal);

    private static readonly FrozenSet<string> LineNames = new[]
        {
            "position", "code", "name", "description", "quantity", "unit", "unitPrice", "discountPercent", "taxPercent", "net", "tax", "gross", "cells",
        }
        .Select(n => "line." + n).ToFrozenSet(StringComparer.Ordinal);

    private readonly PrintableDocument document;
    private readonly DocumentTemplate template;
    private readonly Func<string, string?>? extra;
    private readonly Func<int, string, string?>? lineExtra;

    public DocumentValues(PrintableDocument document, DocumentTemplate template,
        Func<string, string?>? extra = null, Func<int, string, string?>? lineExtra = null)
    {
        this.document = document;
        this.template = template;
        this.extra = extra;
        this.lineExtra = lineExtra;
    }

    public static IEnumerable<string> Vocabulary => Names.Order(StringComparer.Ordinal).Concat(LineNames.Order(StringComparer.Ordinal));

    public static bool IsName(string name) => Names.Contains(name);

    public static bool IsLineName(string name) => LineNames.Contains(name);

    public int LineCount => document.Lines.Count;

    public string? Get(string name) => extra?.Invoke(name) ?? name switch
    {
        "kind" => DocumentLabels.Get(DocumentLabels.Kind(document.Kind), template, document),
        "title" => document.Title,
        "number" => document.Number,
        "issuedOn" => Date(document.IssuedOn),
        "validUntil" => document.ValidUntil is { } until ? Date(until) : "",
        "currency" => document.Currency,
        "contact" => document.ContactName ?? "",
        "terms" => document.Terms ?? "",
        "notes" => document.Notes ?? "",
        "header" => Header(),
        // The footer may name values itself; its own placeholders are filled as plain text first.
        "footer" => template.Footer is { } footer ? DocumentPlaceholders.Render(footer, this, t => t) : "",
        "totals.net" => Amount(document.Totals.Net),
        "totals.discount" => Amount(document.Totals.Discount),
        "totals.tax" => Amount(document.Totals.Tax),
        "totals.gross" => Amount(document.Totals.Gross),
        _ when name.StartsWith("seller.", StringComparison.Ordinal) => Party(document.Seller, name[7..]),
        _ when name.StartsWith("buyer.", StringComparison.Ordinal) => Party(document.Buyer, name[6..]),
        _ when name.StartsWith("label.", StringComparison.Ordinal) && DocumentLabels.IsKnown(name[6..]) => DocumentLabels.Get(name[6..], template, document),
        _ => null,
    };

    public string? GetLine(int index, string name)
    {
        if (lineExtra?.Invoke(index, name) is { } markup)
        {
            return markup;
        }
        var line = document.Lines[index];
        return name switch
        {
            "line.position" => line.Position.ToString(CultureInfo.InvariantCulture),
            "line.code" => line.Code ?? "",
            "line.name" => line.Name,
            "line.description" => line.Description ?? "",
            "line.quantity" => Quantity(line.Quantity),
            "line.unit" => line.Unit ?? "",
            "line.unitPrice" => Amount(line.UnitPrice),
            "line.discountPercent" => Percent(line.DiscountPercent),
            "line.taxPercent" => Percent(line.TaxPercent),
            "line.net" => Amount(line.Net),
            "line.tax" => Amount(line.Tax),
            "line.gross" => Amount(line.Gross),
            _ => null,
        };
    }

    /// <summary>A line's value for a table column, as printed.</summary>
    public string Cell(PrintableLine line, DocumentColumnField field) => field switch
    {
        DocumentColumnField.Position => line.Position.ToString(CultureInfo.InvariantCulture),
        DocumentColumnField.Code => line.Code ?? "",
        DocumentColumnField.Name => line.Name,
        DocumentColumnField.Quantity => Quantity(line.Quantity),
        DocumentColumnField.Unit => line.Unit ?? "",
        DocumentColumnField.UnitPrice => Amount(line.UnitPrice),
        DocumentColumnField.DiscountPercent => Percent(line.DiscountPercent),
        DocumentColumnField.TaxPercent => Percent(line.TaxPercent),
        DocumentColumnField.Net => Amount(line.Net),
        DocumentColumnField.Tax => Amount(line.Tax),
        DocumentColumnField.Gross => Amount(line.Gross),
        _ => "",
    };

    public static bool IsNumeric(DocumentColumnField field) =>
        field is not (DocumentColumnField.Code or DocumentColumnField.Name or DocumentColumnField.Unit);

    /// <summary>The template's header with its placeholders filled, else the seller's contact lines.</summary>
    public string Header() => template.Header is { } header
        ? DocumentPlaceholders.Render(header, this, t => t)
        : string.Join('\n', new[]
            {
                document.Seller.Address,
                Labelled("phone", document.Seller.Phone),
                Labelled("email", document.Seller.Email),
                Labelled("taxId", document.Seller.TaxId),
            }.Where(s => !string.IsNullOrWhiteSpace(s)));

    public string Labelled(string label, string? value) =>
        string.IsNullOrWhiteSpace(value) ? "" : $"{DocumentLabels.Get(label, template, document)}: {value}";

    public string Amount(decimal amount) => FormatAmount(amount, document.Currency);

    /// <summary>An amount with the currency's minor unit and a thousands separator: 1,234.50 CNY, 1,235 JPY, 1.234 KWD.</summary>
    public static string FormatAmount(decimal amount, string currency)
    {
        var digits = Money.MinorUnits(currency);
        return Money.Round(amount, currency).ToString("N" + digits.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
    }

    private static string Quantity(decimal quantity) => quantity.ToString("#,0.####", CultureInfo.InvariantCulture);

    private static string Percent(decimal percent) => percent.ToString("0.####", CultureInfo.InvariantCulture) + "%";

    private static string Date(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static string? Party(PrintableParty party, string field) => field switch
    {
        "name" => party.Name,
        "address" => party.Address ?? "",
        "phone" => party.Phone ?? "",
        "email" => party.Email ?? "",
        "taxId" => party.TaxId ?? "",
        _ => null,
    };
}
