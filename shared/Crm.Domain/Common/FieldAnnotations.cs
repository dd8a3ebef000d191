using System.Collections;
using System.ComponentModel.DataAnnotations;

namespace Crm.Domain.Common;

/// <summary>
/// Text with something in it besides white space and invisible format characters (a zero-width space
/// passes <see cref="RequiredAttribute"/> but makes no name).
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Parameter)]
public sealed class NotBlankAttribute : ValidationAttribute
{
    public NotBlankAttribute() : base("Must have characters besides spaces.")
    {
    }

    public override bool IsValid(object? value) => value is not string text || TextNormalizer.Normalize(text).Length > 0;
}

/// <summary>Each string of a list (tags, competitor names) has <c>min</c> to <c>max</c> characters, spaces aside.</summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Parameter)]
public sealed class EachLengthAttribute(int min, int max) : ValidationAttribute($"Each item has {min} to {max} characters.")
{
    public override bool IsValid(object? value) =>
        value is not IEnumerable items || value is string || items.Cast<object?>().All(i => i is string s && s.Trim().Length >= min && s.Length <= max);
}

/// <summary>
/// A field set when the record is made and never moved by an update (a contact's customer): a merge patch
/// naming another value is a 400 with <see cref="Code"/>; naming the same value is allowed.
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class FixedAttribute(string code, string message) : Attribute
{
    public string Code { get; } = code;

    public string Message { get; } = message;
}

/// <summary>
/// A text meant as ASCII that an IME may give in full-width forms (phone numbers, e-mail and web addresses,
/// codes): stored folded (<c>１３９ ００００</c> → <c>139 0000</c>, <c>ｉｎｆｏ＠ｘ．ｃｎ</c> → <c>info@x.cn</c>),
/// so it reads, matches and dials alike. See <see cref="TextNormalizer.FoldWidth"/>.
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Parameter)]
public sealed class FoldWidthAttribute : Attribute;
