using System.Text.Json.Nodes;
using Crm.Domain.Common;
using Crm.Storage.Records;

namespace Crm.Platform.Records;

/// <summary>
/// A rule of the tenant's configuration that every write of a record type passes, contributed by the feature
/// that owns the configuration (dictionaries, custom fields), so the engine applies it without knowing it.
/// </summary>
public interface IRecordWriteCheck
{
    /// <summary>Whether checking this patch needs the record as it was before the change.</summary>
    bool NeedsCurrent(string module, Type recordType, JsonObject patch);

    /// <summary>Checks a create body and normalises it in place: true when it changed it. Throws 400 for what the configuration refuses.</summary>
    Task<bool> CheckCreateAsync(string tenantId, string module, Type recordType, JsonObject body, CancellationToken cancellationToken);

    /// <summary>The patch as it is to be applied (normalised); <paramref name="current"/> is the record before the change.</summary>
    Task<JsonObject> CheckUpdateAsync(string tenantId, string module, RecordBase current, JsonObject patch, CancellationToken cancellationToken);
}

/// <summary>Every registered <see cref="IRecordWriteCheck"/>, in registration order: what a write through the engine passes.</summary>
public sealed class RecordWriteChecks(IEnumerable<IRecordWriteCheck> checks)
{
    private readonly IRecordWriteCheck[] _checks = [.. checks];

    public bool NeedsCurrent(string module, Type recordType, JsonObject patch) => _checks.Any(c => c.NeedsCurrent(module, recordType, patch));

    public async Task<bool> CheckCreateAsync(string tenantId, string module, Type recordType, JsonObject body, CancellationToken cancellationToken)
    {
        var changed = false;
        foreach (var check in _checks)
        {
            changed |= await check.CheckCreateAsync(tenantId, module, recordType, body, cancellationToken);
        }
        return changed;
    }

    public async Task<JsonObject> CheckUpdateAsync(string tenantId, string module, RecordBase current, JsonObject patch, CancellationToken cancellationToken)
    {
        foreach (var check in _checks)
        {
            patch = await check.CheckUpdateAsync(tenantId, module, current, patch, cancellationToken);
        }
        return patch;
    }
}
