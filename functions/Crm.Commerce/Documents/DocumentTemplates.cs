using Crm.Domain.Common;
using Crm.Platform.Records;

namespace Crm.Commerce.Documents;

/// <summary>The built-in template and the rules a tenant's template must keep before it is saved or previewed.</summary>
public static class DocumentTemplates
{
    public static readonly IReadOnlyList<DocumentColumn> DefaultColumns =
    [
        new(DocumentColumnField.Position), new(DocumentColumnField.Name), new(DocumentColumnField.Quantity), new(DocumentColumnField.Unit),
        new(DocumentColumnField.UnitPrice), new(DocumentColumnField.DiscountPercent), new(DocumentColumnField.TaxPercent),
        new(DocumentColumnField.Gross),
    ];

    public static readonly DocumentTemplate Default = new();

    /// <summary>The page body used when a template has no <see cref="DocumentTemplate.Html"/> of its own; a starting point to copy.</summary>
    public const string DefaultHtml = """
        <header class="top">
          <div class="seller"><h1>{{seller.name}}</h1><p>{{header}}</p></div>
          <div class="meta">
            <h2>{{title}}</h2>
            <p>{{label.number}} {{number}}<br>{{label.issuedOn}} {{issuedOn}}<br>{{label.validUntil}} {{validUntil}}</p>
          </div>
        </header>
        <section class="buyer">
          <h3>{{label.buyer}}</h3>
          <p><strong>{{buyer.name}}</strong><br>{{buyer.address}}<br>{{label.contact}} {{contact}} {{buyer.phone}} {{buyer.email}}<br>{{label.taxId}} {{buyer.taxId}}</p>
        </section>
        <table class="lines">
          <thead><tr>{{columns.headers}}</tr></thead>
          <tbody>{{#lines}}<tr>{{line.cells}}</tr>{{/lines}}</tbody>
        </table>
        <table class="totals">
          <tr><th>{{label.net}}</th><td>{{totals.net}}</td></tr>
          <tr><th>{{label.discount}}</th><td>{{totals.discount}}</td></tr>
          <tr><th>{{label.tax}}</th><td>{{totals.tax}}</td></tr>
          <tr class="gross"><th>{{label.gross}} ({{currency}})</th><td>{{totals.gross}}</td></tr>
        </table>
        <section class="terms"><h3>{{label.terms}}</h3><p>{{terms}}</p><h3>{{label.notes}}</h3><p>{{notes}}</p></section>
        <footer><p>{{footer}}</p></footer>
        """;

    /// <summary>Markup a tenant's page may not hold: the CSP would stop it on our route, but a saved file has no CSP.</summary>
    private static readonly string[] Refused = ["<script", "<iframe", "<object", "<embed", "<link", "<meta", "<base", "<form", "javascript:", "<style"];

    /// <summary>
    /// Field rules (annotations), then what annotations cannot say: known label keys, no column twice, only known
    /// placeholders (each field's unknown ones listed in <c>errors</c> under code <c>documentTemplate.unknown_placeholder</c>), no active markup.
    /// </summary>
    public static DocumentTemplate Check(DocumentTemplate template)
    {
        RequestValidation.Validate(template);
        var errors = new Dictionary<string, string[]>();
        var unknownLabels = template.Labels.Keys.Where(k => !DocumentLabels.IsKnown(k)).ToList();
        if (unknownLabels.Count > 0)
        {
            errors["labels"] = [$"Unknown label keys: {string.Join(", ", unknownLabels)}. Known: {string.Join(", ", DocumentLabels.Keys)}."];
        }
        foreach (var (key, text) in template.Labels.Where(l => l.Value is null || l.Value.Length > DocumentLimits.LabelChars))
        {
            errors[$"labels.{key}"] = [$"A label of 1 to {DocumentLimits.LabelChars} characters."];
        }
        if (template.Columns.GroupBy(c => c.Field).Where(g => g.Count() > 1).Select(g => g.Key).ToList() is { Count: > 0 } twice)
        {
            errors["columns"] = [$"Each column once: {string.Join(", ", twice)} appear more than once."];
        }
        var unknown = new Dictionary<string, string[]>();
        // The header and footer are filled inside the page, so they cannot name themselves, the table or the lines.
        Placeholders(template.Header, "header", linesAllowed: false, unknown, ["header", "footer", DocumentValues.ColumnHeaders]);
        Placeholders(template.Footer, "footer", linesAllowed: false, unknown, ["header", "footer", DocumentValues.ColumnHeaders]);
        Placeholders(template.Html, "html", linesAllowed: true, unknown, []);
        if (template.Html is { } html && Refused.Where(r => html.Contains(r, StringComparison.OrdinalIgnoreCase)).ToList() is { Count: > 0 } active)
        {
            errors["html"] = [$"Scripts, frames, forms, links and styles are not allowed: {string.Join(", ", active)}."];
        }
        if (unknown.Count > 0)
        {
            throw new ValidationException(unknown.Concat(errors.Where(e => !unknown.ContainsKey(e.Key))).ToDictionary(), "documentTemplate.unknown_placeholder");
        }
        if (errors.Count > 0)
        {
            throw new ValidationException(errors);
        }
        return template;
    }

    private static void Placeholders(string? text, string field, bool linesAllowed, Dictionary<string, string[]> unknown, string[] refused)
    {
        if (text is null)
        {
            return;
        }
        var problems = DocumentPlaceholders.Problems(text, linesAllowed, refused);
        if (problems.Count > 0)
        {
            unknown[field] = [.. problems.Distinct(StringComparer.Ordinal).Select(p => $"Unknown placeholder {p}.")];
        }
    }
}
