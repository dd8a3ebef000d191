using System.ComponentModel.DataAnnotations;
using System.Text.Json.Nodes;

namespace Crm.Platform.Records;

/// <summary>What the fields record of every owned record type carries besides its own fields.</summary>
public abstract record OwnedFields
{
    /// <summary>The writer when not given. Changing it later is a transfer, never a patch.</summary>
    [StringLength(26)]
    public string? OwnerId { get; init; }

    /// <summary>Checked against the tenant's custom field definitions on every write.</summary>
    public JsonObject? CustomFields { get; init; }
}
