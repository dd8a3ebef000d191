using System.Text;
using System.Text.RegularExpressions;

namespace Crm.Commerce.Documents;

/// <summary>
/// The template language, kept tiny on purpose: <c>{{name}}</c> is a value, <c>{{#lines}}…{{/lines}}</c> repeats
/// once per line (where <c>{{line.*}}</c> names the line's values). No expressions, conditions or partials, so a
/// template cannot run anything; every value goes through the caller's encoder (HTML-encoded for the page).
/// </summary>
public static partial class DocumentPlaceholders
{
    public const string LinesBlock = "lines";

    [GeneratedRegex(@"\{\{(.*?)\}\}", RegexOptions.Singleline)]
    private static partial Regex Tag();

    [GeneratedRegex(@"^\s*([#/]?)\s*([A-Za-z][A-Za-z0-9.]*)\s*$")]
    private static partial Regex Name();

    private abstract record Part;
    private sealed record Text(string Value) : Part;
    private sealed record Value(string Name) : Part;
    private sealed record Lines(IReadOnlyList<Part> Body) : Part;

    /// <summary>What a template names that the vocabulary does not have, and its structure's faults (an unclosed block), as the template wrote them.</summary>
    public static IReadOnlyList<string> Problems(string template, bool linesAllowed, IReadOnlyCollection<string>? excluded = null)
    {
        var problems = new List<string>();
        Parse(template, problems, linesAllowed, excluded);
        return problems;
    }

    /// <summary>
    /// The template with each value replaced: <paramref name="value"/> answers a name with its text (null for
    /// an unknown name, which <see cref="Problems"/> refuses before a template is saved), <paramref name="encode"/>
    /// escapes it for the output; names the <paramref name="raw"/> set holds are the renderer's own markup, not encoded.
    /// </summary>
    public static string Render(string template, DocumentValues values, Func<string, string> encode, IReadOnlySet<string>? raw = null)
    {
        var parts = Parse(template, null, linesAllowed: true, excluded: null);
        var output = new StringBuilder(template.Length * 2);
        Write(parts, output, name => values.Get(name), values, encode, raw);
        return output.ToString();
    }

    private static void Write(IReadOnlyList<Part> parts, StringBuilder output, Func<string, string?> lookup, DocumentValues values,
        Func<string, string> encode, IReadOnlySet<string>? raw)
    {
        foreach (var part in parts)
        {
            switch (part)
            {
                case Text text:
                    output.Append(text.Value);
                    break;
                case Value value when lookup(value.Name) is { } found:
                    output.Append(raw?.Contains(value.Name) == true ? found : encode(found));
                    break;
                case Lines lines:
                    for (var i = 0; i < values.LineCount; i++)
                    {
                        var index = i;
                        Write(lines.Body, output, name => values.GetLine(index, name) ?? values.Get(name), values, encode, raw);
                    }
                    break;
            }
        }
    }

    private static List<Part> Parse(string template, List<string>? problems, bool linesAllowed, IReadOnlyCollection<string>? excluded)
    {
        var root = new List<Part>();
        List<Part>? block = null;
        var at = 0;
        foreach (Match tag in Tag().Matches(template))
        {
            var current = block ?? root;
            if (tag.Index > at)
            {
                current.Add(new Text(template[at..tag.Index]));
            }
            at = tag.Index + tag.Length;
            var name = Name().Match(tag.Groups[1].Value);
            if (!name.Success)
            {
                problems?.Add(tag.Value);
                continue;
            }
            var (sigil, key) = (name.Groups[1].Value, name.Groups[2].Value);
            switch (sigil)
            {
                case "#" when key == LinesBlock && linesAllowed && block is null:
                    block = [];
                    break;
                case "/" when key == LinesBlock && block is not null:
                    root.Add(new Lines(block));
                    block = null;
                    break;
                case "" when excluded?.Contains(key) != true
                    && (block is not null ? DocumentValues.IsLineName(key) || DocumentValues.IsName(key) : DocumentValues.IsName(key)):
                    current.Add(new Value(key));
                    break;
                default:
                    problems?.Add(tag.Value);
                    break;
            }
        }
        if (block is not null)
        {
            problems?.Add("{{#lines}} without {{/lines}}");
            root.Add(new Lines(block));
        }
        if (at < template.Length)
        {
            (block ?? root).Add(new Text(template[at..]));
        }
        return root;
    }
}
