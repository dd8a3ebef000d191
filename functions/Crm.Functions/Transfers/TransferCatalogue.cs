using Crm.Domain.Common;

namespace Crm.Functions.Transfers;

/// <summary>The record types that can be imported and exported: every owned type registered with <c>AddOwnedRecords</c>.</summary>
internal sealed class TransferCatalogue(IEnumerable<IRecordTransfer> types)
{
    private readonly Dictionary<string, IRecordTransfer> _types = types.ToDictionary(t => t.EntityType, StringComparer.Ordinal);

    public IRecordTransfer Find(string? entityType) =>
        entityType is not null && _types.TryGetValue(entityType, out var type) ? type
        : throw new ValidationException("entityType", $"Give one of: {string.Join(", ", _types.Keys.Order(StringComparer.Ordinal))}.", "transfer.unknown_entity_type");

    public IRecordTransfer? FindOrNull(string entityType) => _types.GetValueOrDefault(entityType);
}
