using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Crm.ApiTests.Infrastructure;

namespace Crm.ApiTests.Roles;

/// <summary>Roles and role holders made through the API, as an administrator would.</summary>
internal static class RoleFixtures
{
    public static async Task<JsonElement> CreateRoleAsync(this TestTenant tenant, string[] permissions, string dataScope = "self", object[]? fieldRules = null,
        string? name = null) =>
        await (await tenant.Admin.PostAsJsonAsync("/api/v1/roles", new { name = name ?? "Role " + Api.Stamp(), permissions, dataScope, fieldRules = fieldRules ?? [] }))
            .ExpectAsync(HttpStatusCode.Created);

    /// <summary>A signed-in user holding exactly the given roles.</summary>
    public static async Task<(string Id, string Login, HttpClient Client)> NewUserWithRolesAsync(this TestTenant tenant, params string[] roleIds)
    {
        var login = "r" + Api.Stamp() + "@staff.test";
        var user = await (await tenant.Admin.PostAsJsonAsync("/api/v1/users", new { login, password = Api.StaffPassword, name = "Staff " + login, roleIds }))
            .ExpectAsync(HttpStatusCode.Created);
        return (user.Id(), login, await tenant.SignInAsync(login, Api.StaffPassword));
    }

    public static async Task<string> BuiltInRoleIdAsync(this TestTenant tenant, string builtIn) =>
        (await tenant.Admin.ListAllAsync("/api/v1/roles")).Single(r => r.TryGetProperty("builtIn", out var b) && b.GetString() == builtIn).Id();

    public static Task<HttpResponseMessage> PutRolesAsync(this HttpClient client, string userId, string[] roleIds, string? ifMatch = null) =>
        ifMatch is null
            ? client.PutAsJsonAsync($"/api/v1/users/{userId}/roles", new { roleIds })
            : client.SendAsync(HttpMethod.Put, $"/api/v1/users/{userId}/roles", new { roleIds }, ("If-Match", ifMatch));
}
