using Crm.Domain.Common;
using Crm.Domain.Organisation;
using Crm.Storage.Records;

namespace Crm.Platform.Users;

public sealed class UserRecordType : RecordType<User>
{
    public const string LoginKey = "login";

    public override string Name => "user";
    public override string Table => "users";
    public override bool CanDelete => false;
    public override string DisplayName(User record) => record.Name;

    public const string EntraObjectKey = "entraObjectId";

    public override IEnumerable<UniqueKey> UniqueKeys(User record)
    {
        yield return new UniqueKey(LoginKey, OrganisationRules.NormalizeLogin(record.Login), "user.duplicate_login", $"The login '{record.Login}' is already in use.");
        if (record.EntraObjectId is not null)
        {
            // Entra ID sign-in finds the user by this key; one directory account is one CRM user.
            yield return new UniqueKey(EntraObjectKey, record.EntraObjectId, "user.duplicate_entra_object_id", "This Entra ID account is already linked to another user.");
        }
    }

    public override IReadOnlyList<string> IndexedFields => ["status", "departmentId", "superiorId"];

    public override IEnumerable<SearchTerm> SearchTerms(User record) =>
        [new("name", record.Name), new("login", record.Login), new("email", record.Email), new("phone", TextNormalizer.Digits(record.Phone))];

    public override IReadOnlySet<string> FilterableFields { get; } = new HashSet<string>(
        ["name", "login", "email", "phone", "gender", "departmentId", "position", "superiorId", "status", "isSuperAdmin", "createdAt", "createdBy", "updatedAt", "updatedBy"]);
}
