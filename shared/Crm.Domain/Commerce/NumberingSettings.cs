using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Crm.Domain.Commerce;

/// <summary>
/// How a tenant numbers its documents (<c>/api/v1/settings/numbering</c>): one rule per kind, e.g.
/// <c>HT-{yyyy}{MM}-{seq:0000}</c>.
/// </summary>
public sealed record NumberingSettings : Crm.Domain.Tenants.ITenantSettings
{
    public static NumberingSettings Default { get; } = new();

    public string Quotes { get; init; } = "QT-{yyyy}{MM}-{seq:0000}";
    public string Contracts { get; init; } = "HT-{yyyy}{MM}-{seq:0000}";
    public string PurchaseOrders { get; init; } = "PO-{yyyy}{MM}-{seq:0000}";
    public string Shipments { get; init; } = "FH-{yyyy}{MM}-{seq:0000}";

    public IDictionary<string, string[]> Problems()
    {
        var problems = new Dictionary<string, string[]>(StringComparer.Ordinal);
        foreach (var (field, rule) in new[] { ("quotes", Quotes), ("contracts", Contracts), ("purchaseOrders", PurchaseOrders), ("shipments", Shipments) })
        {
            if (NumberRule.Problem(rule) is { } problem)
            {
                problems[field] = [problem];
            }
        }
        return problems;
    }
}

/// <summary>
/// A numbering rule: literal text with the date tokens <c>{yyyy}</c>, <c>{yy}</c>, <c>{MM}</c>, <c>{dd}</c> and exactly
/// one <c>{seq}</c> (<c>{seq:0000}</c> pads to four digits). The sequence runs per series: the number with its date
/// tokens filled in and the sequence left open, so <c>HT-{yyyy}{MM}-{seq}</c> starts again at 1 each month, and a
/// rule changed to another shape starts its own series rather than repeating a number.
/// </summary>
public static partial class NumberRule
{
    public const int MaxLength = 60;
    private const int MaxPadding = 12;

    /// <summary>What is wrong with a rule, or null when it is usable.</summary>
    public static string? Problem(string? rule)
    {
        if (string.IsNullOrWhiteSpace(rule) || rule.Length > MaxLength)
        {
            return $"A rule of 1 to {MaxLength} characters, such as HT-{{yyyy}}{{MM}}-{{seq:0000}}.";
        }
        var seqs = 0;
        foreach (var part in Parts(rule))
        {
            switch (part)
            {
                case Token { Name: "seq", Padding: var padding }:
                    seqs++;
                    if (padding > MaxPadding)
                    {
                        return $"{{seq}} pads to at most {MaxPadding} digits.";
                    }
                    break;
                case Token { Name: "yyyy" or "yy" or "MM" or "dd", Padding: 0 }:
                    break;
                case Token token:
                    return $"Unknown token {{{token.Name}}}: use {{yyyy}}, {{yy}}, {{MM}}, {{dd}} and one {{seq}} or {{seq:0000}}.";
                case Literal literal when !LiteralPattern().IsMatch(literal.Text):
                    return "Outside the tokens, use only letters, digits and - _ . / characters.";
            }
        }
        return seqs == 1 ? null : "A rule holds exactly one {seq} token.";
    }

    /// <summary>The series a number made on <paramref name="day"/> belongs to: the rule with its date tokens filled in.</summary>
    public static string Series(string rule, DateOnly day) => Render(rule, day, null);

    public static string Format(string rule, DateOnly day, long sequence) => Render(rule, day, sequence);

    private static string Render(string rule, DateOnly day, long? sequence)
    {
        var text = new StringBuilder();
        foreach (var part in Parts(rule))
        {
            text.Append(part switch
            {
                Literal literal => literal.Text,
                Token { Name: "yyyy" } => day.ToString("yyyy", CultureInfo.InvariantCulture),
                Token { Name: "yy" } => day.ToString("yy", CultureInfo.InvariantCulture),
                Token { Name: "MM" } => day.ToString("MM", CultureInfo.InvariantCulture),
                Token { Name: "dd" } => day.ToString("dd", CultureInfo.InvariantCulture),
                Token { Name: "seq", Padding: var padding } when sequence is { } n => n.ToString(new string('0', Math.Max(padding, 1)), CultureInfo.InvariantCulture),
                Token { Name: "seq", Padding: var padding } => $"{{seq:{padding}}}",
                _ => throw new InvalidOperationException($"The rule '{rule}' was not checked."),
            });
        }
        return text.ToString();
    }

    private abstract record Part;

    private sealed record Literal(string Text) : Part;

    private sealed record Token(string Name, int Padding) : Part;

    private static IEnumerable<Part> Parts(string rule)
    {
        var at = 0;
        foreach (Match match in TokenPattern().Matches(rule))
        {
            if (match.Index > at)
            {
                yield return new Literal(rule[at..match.Index]);
            }
            var format = match.Groups["format"];
            yield return new Token(match.Groups["name"].Value, format.Success ? (format.Value.All(c => c == '0') ? format.Value.Length : MaxPadding + 1) : 0);
            at = match.Index + match.Length;
        }
        if (at < rule.Length)
        {
            yield return new Literal(rule[at..]);
        }
    }

    [GeneratedRegex(@"\{(?<name>[A-Za-z]+)(:(?<format>[^}]*))?\}")]
    private static partial Regex TokenPattern();

    [GeneratedRegex(@"^[A-Za-z0-9_./-]+\z")]
    private static partial Regex LiteralPattern();
}
