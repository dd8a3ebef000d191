using System.ComponentModel.DataAnnotations;
using System.Text.Json.Nodes;
using Crm.Domain.Common;

namespace Crm.Platform.Records;

/// <summary>What the fields record of every record type with custom fields carries besides its own fields.</summary>
public abstract record ModuleFields
{
    /// <summary>Checked against the tenant's custom field definitions on every write.</summary>
    public JsonObject? CustomFields { get; init; }
}

/// <summary>What the fields record of every owned record type carries besides its own fields.</summary>
public abstract record OwnedFields : ModuleFields
{
    /// <summary>The writer when not given. Changing it later is a transfer, never a patch.</summary>
    [StringLength(26)]
    public string? OwnerId { get; init; }
}

/// <summary>The fields of an owned record about one person (a contact, a lead): who they are and how to reach them.</summary>
public abstract record PersonFields : OwnedFields
{
    [Required, NotBlank, StringLength(PersonFieldLengths.Name, MinimumLength = 1)]
    public string Name { get; init; } = "";

    [StringLength(PersonFieldLengths.Title)]
    public string? Title { get; init; }

    [StringLength(PersonFieldLengths.Phone), FoldWidth]
    public string? Phone { get; init; }

    [StringLength(PersonFieldLengths.Phone), FoldWidth]
    public string? Mobile { get; init; }

    [StringLength(PersonFieldLengths.Email), EmailAddress]
    public string? Email { get; init; }
}
