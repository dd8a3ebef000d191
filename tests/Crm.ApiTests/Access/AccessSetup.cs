using System.Net;
using System.Net.Http.Json;
using Crm.ApiTests.Infrastructure;
using Crm.Domain.Access;
using Crm.Platform.Access;
using Crm.Storage.Records;

namespace Crm.ApiTests.Access;

/// <summary>Roles straight into the store (the roles API is built apart), users with those roles through the API.</summary>
public static class AccessSetup
{
    public static readonly string[] AllMemoRights = ["memos.view", "memos.create", "memos.edit", "memos.delete", "memos.export"];

    public static async Task<string> CreateRoleAsync(this CrmApp app, TestTenant tenant, DataScope scope, IReadOnlyList<string> permissions,
        IReadOnlyList<FieldRule>? fieldRules = null)
    {
        var role = await app.Service<RecordStore<Role>>().CreateAsync(new WriteContext(tenant.Id, tenant.AdminUserId, null, DateTimeOffset.UtcNow),
            new Role { Name = "Role " + Api.Stamp(), Permissions = permissions, DataScope = scope, FieldRules = fieldRules ?? [] });
        app.Service<AccessDirectory>().RolesChanged(tenant.Id);
        return role.Id;
    }

    /// <summary>A user with the given roles, signed in.</summary>
    public static async Task<(string Id, HttpClient Client)> NewMemberAsync(this TestTenant tenant, string? departmentId, string? superiorId, params string[] roleIds)
    {
        var login = "m" + Guid.NewGuid().ToString("N")[..10] + "@staff.test";
        var response = await tenant.Admin.PostAsJsonAsync("/api/v1/users",
            new { login, password = Api.StaffPassword, name = "Member " + login, departmentId, superiorId, phone = "13812345678", email = login, roleIds });
        var user = await response.ExpectAsync(HttpStatusCode.Created);
        return (user.Id(), await tenant.SignInAsync(login, Api.StaffPassword));
    }

    public static async Task<string> CreateMemoAsync(this HttpClient client, string name, string? ownerId = null, string? phone = null, string? email = null,
        decimal? amount = null, object? customFields = null) =>
        (await client.PostJsonAsync("/api/v1/memos", new { name, ownerId, phone, email, amount, customFields }, HttpStatusCode.Created)).Id();
}
