using System.ComponentModel.DataAnnotations;
using Crm.Domain.Common;
using Crm.Domain.Sales;
using Crm.Platform.Records;

namespace Crm.Sales.Customers;

/// <summary>
/// The fields a client writes, as a create body and as the editable view a merge patch applies to; lock,
/// owner and follow-up fields have their own actions. Source, level, industry and kind are top-level strings
/// so that a dictionary check can be declared on each of them by name.
/// </summary>
public sealed record CustomerFields : OwnedFields
{
    [Required, NotBlank, StringLength(200, MinimumLength = 1)]
    public string Name { get; init; } = "";

    [StringLength(100)]
    public string? ShortName { get; init; }

    [StringLength(50)]
    public string? Kind { get; init; }

    [StringLength(50)]
    public string? Source { get; init; }

    [StringLength(50)]
    public string? Level { get; init; }

    [StringLength(50)]
    public string? Industry { get; init; }

    [StringLength(PersonFieldLengths.Phone), FoldWidth]
    public string? Phone { get; init; }

    [StringLength(PersonFieldLengths.Email), EmailAddress]
    public string? Email { get; init; }

    [StringLength(500), FoldWidth]
    public string? Website { get; init; }

    public Address? Address { get; init; }

    [MaxLength(20), EachLength(1, 50)]
    public IReadOnlyList<string>? Tags { get; init; }

    [StringLength(4000)]
    public string? Description { get; init; }

    /// <summary>A price book of the commerce module, which checks it exists and is active.</summary>
    [StringLength(26)]
    public string? DefaultPriceBookId { get; init; }
}
