using Crm.Domain.Configuration;
using Crm.Storage.Records;

namespace Crm.Platform.Dictionaries;

public sealed class DictionaryItemRecordType : RecordType<DictionaryItem>
{
    public const string ValueKey = "value";

    public override string Name => "dictionaryItem";
    public override string Table => "dictionaryitems";
    public override string Collection => "dictionary-items";
    public override string DisplayName(DictionaryItem record) => $"{record.Dictionary}: {record.Label}";

    /// <summary>Items are never deleted (retired instead), so a value once used can never mean something else.</summary>
    public override bool CanDelete => false;

    public static string KeyOf(string dictionary, string value) => $"{dictionary}:{value}";

    public override IEnumerable<UniqueKey> UniqueKeys(DictionaryItem record) =>
        [new UniqueKey(ValueKey, KeyOf(record.Dictionary, record.Value), "dictionary.duplicate_value", $"The dictionary '{record.Dictionary}' already has the value '{record.Value}'.")];

    public override IReadOnlySet<string> FilterableFields { get; } =
        new HashSet<string>(["dictionary", "value", "label", "active", "sortOrder", "createdAt", "updatedAt"]);
}
