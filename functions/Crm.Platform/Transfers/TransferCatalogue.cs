using Crm.Domain.Common;
using Crm.Platform.Records;

namespace Crm.Platform.Transfers;

/// <summary>The record types that can be imported and exported: every type registered with <c>AddOwnedRecords</c> or <c>AddModuleRecords</c>.</summary>
public sealed class TransferCatalogue(IEnumerable<RecordDeclaration> declarations, IServiceProvider services)
{
    // Made from the declarations rather than registered by AddOwnedRecords, so the engine does not know this feature.
    private readonly Dictionary<string, IRecordTransfer> _types = declarations.ToDictionary(
        d => d.Table,
        d => (IRecordTransfer)ActivatorUtilities.CreateInstance(services, typeof(RecordTransfer<,,>).MakeGenericType(d.Record, d.Create, d.Service)),
        StringComparer.Ordinal);

    public IRecordTransfer Find(string? entityType) =>
        entityType is not null && _types.TryGetValue(entityType, out var type) ? type
        : throw new ValidationException("entityType", $"Give one of: {string.Join(", ", _types.Keys.Order(StringComparer.Ordinal))}.", "transfer.unknown_entity_type");

    public IRecordTransfer? FindOrNull(string entityType) => _types.GetValueOrDefault(entityType);
}
