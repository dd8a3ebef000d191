using Crm.Domain.Common;
using Crm.Domain.Configuration;
using Crm.Storage.Records;

namespace Crm.Sales.Pipelines;

internal sealed class PipelineRecordType : RecordType<Pipeline>
{
    /// <summary>Held by the default pipeline only, so two defaults can never be stored.</summary>
    public const string DefaultKey = "default";

    public override string Name => "pipeline";
    public override string Table => "pipelines";
    public override string DisplayName(Pipeline record) => record.Name;

    public override IEnumerable<UniqueKey> UniqueKeys(Pipeline record)
    {
        yield return new UniqueKey("name", TextNormalizer.Normalize(record.Name), "pipeline.duplicate_name", $"A pipeline named '{record.Name}' already exists.");
        if (record.IsDefault)
        {
            yield return new UniqueKey(DefaultKey, DefaultKey, "pipeline.default_taken", "Another pipeline became the default at the same time; retry.");
        }
    }

    public override IReadOnlySet<string> FilterableFields { get; } =
        new HashSet<string>(["name", "isDefault", "createdAt", "updatedAt"]);
}
