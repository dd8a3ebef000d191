using Crm.Domain.Configuration;
using Crm.Storage.Records;

namespace Crm.Platform.CustomFields;

public sealed class CustomFieldRecordType : RecordType<CustomFieldDefinition>
{
    public const string KeyName = "key";

    public override string Name => "customField";
    public override string Table => "customfields";
    public override string Collection => "custom-fields";
    public override string DisplayName(CustomFieldDefinition record) => $"{record.EntityType}.{record.Key}";

    public static string KeyOf(string entityType, string key) => $"{entityType}:{key}";

    public override IEnumerable<UniqueKey> UniqueKeys(CustomFieldDefinition record) =>
        [new UniqueKey(KeyName, KeyOf(record.EntityType, record.Key), "customField.duplicate_key", $"The {record.EntityType} already have a custom field '{record.Key}'.")];

    public override IReadOnlySet<string> FilterableFields { get; } =
        new HashSet<string>(["entityType", "key", "label", "type", "required", "active", "sortable", "createdAt", "updatedAt"]);
}
