using System.Collections.Frozen;
using Crm.Domain.Commerce;

namespace Crm.Commerce.Documents;

/// <summary>The texts a document prints besides its data, in English until a template or the document says otherwise.</summary>
public static class DocumentLabels
{
    private static readonly FrozenDictionary<string, string> Defaults = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["quote"] = "Quotation",
        ["contract"] = "Contract",
        ["purchaseOrder"] = "Purchase order",
        ["number"] = "No.",
        ["issuedOn"] = "Date",
        ["validUntil"] = "Valid until",
        ["seller"] = "From",
        ["buyer"] = "To",
        ["contact"] = "Attn.",
        ["phone"] = "Tel.",
        ["email"] = "E-mail",
        ["taxId"] = "Tax ID",
        ["currency"] = "Currency",
        ["net"] = "Subtotal",
        ["discount"] = "Discount",
        ["tax"] = "Tax",
        ["gross"] = "Total",
        ["terms"] = "Terms",
        ["notes"] = "Notes",
        ["page"] = "Page",
        ["column.position"] = "#",
        ["column.code"] = "Code",
        ["column.name"] = "Item",
        ["column.quantity"] = "Qty",
        ["column.unit"] = "Unit",
        ["column.unitPrice"] = "Unit price",
        ["column.discountPercent"] = "Disc.",
        ["column.taxPercent"] = "Tax %",
        ["column.net"] = "Net",
        ["column.tax"] = "Tax",
        ["column.gross"] = "Amount",
    }.ToFrozenDictionary(StringComparer.Ordinal);

    public static IEnumerable<string> Keys => Defaults.Keys;

    public static bool IsKnown(string key) => Defaults.ContainsKey(key);

    /// <summary>The document's own label, else the template's, else the built-in one.</summary>
    public static string Get(string key, DocumentTemplate template, PrintableDocument document) =>
        document.Labels?.GetValueOrDefault(key) ?? template.Labels.GetValueOrDefault(key) ?? Defaults.GetValueOrDefault(key) ?? key;

    public static string Column(DocumentColumn column, DocumentTemplate template, PrintableDocument document) =>
        column.Label ?? Get("column." + Camel(column.Field.ToString()), template, document);

    public static string Kind(PrintableKind kind) => Camel(kind.ToString());

    private static string Camel(string name) => char.ToLowerInvariant(name[0]) + name[1..];
}
