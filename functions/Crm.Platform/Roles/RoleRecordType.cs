using Crm.Domain.Access;
using Crm.Domain.Common;
using Crm.Storage.Records;

namespace Crm.Platform.Roles;

public sealed class RoleRecordType : RecordType<Role>
{
    public const string BuiltInKey = "builtIn";

    public override string Name => "role";
    public override string Table => "roles";
    public override string DisplayName(Role record) => record.Name;

    public override IEnumerable<UniqueKey> UniqueKeys(Role record)
    {
        yield return new UniqueKey("name", TextNormalizer.Normalize(record.Name), "role.duplicate_name", $"A role named '{record.Name}' already exists.");
        if (record.BuiltIn is not null)
        {
            // Provisioning finds the built-in roles by this key, so a resumed sign-up never makes them twice.
            yield return new UniqueKey(BuiltInKey, record.BuiltIn, "role.duplicate_built_in", $"The built-in role '{record.BuiltIn}' already exists.");
        }
    }

    public override IReadOnlySet<string> FilterableFields { get; } =
        new HashSet<string>(["name", "description", "dataScope", "isSuperAdmin", "builtIn", "createdAt", "createdBy", "updatedAt", "updatedBy"]);
}
