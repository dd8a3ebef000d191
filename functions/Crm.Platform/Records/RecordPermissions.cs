using Crm.Domain.Access;

namespace Crm.Platform.Records;

/// <summary>The permission each shared record endpoint declares; a null <see cref="View"/> lets any signed-in caller read.</summary>
public sealed record RecordPermissions(string? View, string Create, string Edit, string Delete)
{
    /// <summary>The module's own view, create, edit and delete permissions (e.g. <c>customers.edit</c>).</summary>
    public static RecordPermissions ForModule(string module) => new(
        $"{module}.{Permissions.Actions.View}", $"{module}.{Permissions.Actions.Create}",
        $"{module}.{Permissions.Actions.Edit}", $"{module}.{Permissions.Actions.Delete}");

    /// <summary>Readable by everyone signed in, changed with one management permission (users, departments).</summary>
    public static RecordPermissions Managed(string? view, string manage) => new(view, manage, manage, manage);
}
