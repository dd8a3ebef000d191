using Crm.Domain.Common;
using Crm.Domain.Organisation;
using Crm.Storage.Records;

namespace Crm.Platform.Departments;

public sealed class DepartmentRecordType : RecordType<Department>
{
    public override string Name => "department";
    public override string Table => "departments";
    public override string DisplayName(Department record) => record.Name;

    /// <summary>Names are unique among siblings; there is exactly one root.</summary>
    public override IEnumerable<UniqueKey> UniqueKeys(Department record) =>
    [
        record.ParentId is null
            ? new UniqueKey("root", "root", "department.root_exists", "The tenant already has a top department.")
            : new UniqueKey("name", $"{record.ParentId}~{TextNormalizer.Normalize(record.Name)}", "department.duplicate_name",
                $"A department named '{record.Name}' already exists under the same parent."),
    ];

    public override IReadOnlyList<string> IndexedFields => ["parentId"];

    public override IReadOnlySet<string> FilterableFields { get; } =
        new HashSet<string>(["name", "parentId", "description", "sortOrder", "createdAt", "createdBy", "updatedAt", "updatedBy"]);
}
