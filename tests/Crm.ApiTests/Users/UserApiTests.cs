using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Crm.ApiTests.Infrastructure;

namespace Crm.ApiTests.Users;

public sealed partial class UserApiTests(CrmApp app) : IClassFixture<CrmApp>
{
    private Task<HttpResponseMessage> SignInAsync(TestTenant tenant, string login, string password) =>
        app.CreateClient().PostAsJsonAsync("/api/v1/auth/token", new { tenant = tenant.Slug, login, password });

    /// <summary>No property anywhere in the JSON is a password or its hash, and the secret itself never appears.</summary>
    private static void AssertNoPassword(string json, string secret)
    {
        Assert.DoesNotContain(secret, json, StringComparison.Ordinal);
        Assert.DoesNotContain("\"password\"", json, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("passwordHash", json, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task CreatesUserWithLocationAndETagAndNeverAnswersThePassword()
    {
        var tenant = await app.NewTenantAsync();
        var department = await tenant.CreateDepartmentAsync("Sales");
        const string secret = "Very-Secret-Pass-9";
        var response = await tenant.Admin.PostAsJsonAsync("/api/v1/users", new
        {
            login = "alice@example.test",
            password = secret,
            name = "Alice Zhang",
            email = "alice@example.test",
            phone = "+86 138-0013-8000",
            gender = "female",
            departmentId = department.Id(),
            position = "Account manager",
        });
        var text = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        AssertNoPassword(text, secret);
        var created = JsonDocument.Parse(text).RootElement;
        Assert.Equal($"/api/v1/users/{created.Id()}", response.Headers.Location?.OriginalString);
        Assert.Equal($"\"{created.Str("version")}\"", response.Headers.ETag?.ToString());
        Assert.Equal("alice@example.test", created.Str("login"));
        Assert.Equal("female", created.Str("gender"));
        Assert.Equal("active", created.Str("status"));
        Assert.Equal(department.Id(), created.Str("departmentId"));
        Assert.False(created.GetProperty("isSuperAdmin").GetBoolean());

        var id = created.Id();
        AssertNoPassword(await tenant.Admin.GetStringAsync($"/api/v1/users/{id}"), secret);
        AssertNoPassword(await tenant.Admin.GetStringAsync("/api/v1/users"), secret);
        AssertNoPassword(await tenant.Admin.GetStringAsync("/api/v1/users?q=alice"), secret);
        AssertNoPassword(await (await tenant.Admin.PostAsJsonAsync("/api/v1/users/search", new { })).Content.ReadAsStringAsync(), secret);
        AssertNoPassword(await (await tenant.Admin.PostAsJsonAsync("/api/v1/users/batch/read", new { inputs = new[] { new { id } } })).Content.ReadAsStringAsync(), secret);
        AssertNoPassword(await tenant.Admin.GetStringAsync($"/api/v1/audit-logs?recordId={id}"), secret);
        var alice = await tenant.SignInAsync("alice@example.test", secret);
        AssertNoPassword(await alice.GetStringAsync("/api/v1/me"), secret);
        var events = await Http.EventuallyAsync(() => tenant.Admin.GetStringAsync("/api/v1/events?types=crm.user.created"), e => e.Contains(id, StringComparison.Ordinal));
        AssertNoPassword(events, secret);
    }

    [Fact]
    public async Task NewUserDefaultsToOfficeDepartment()
    {
        var tenant = await app.NewTenantAsync();
        var user = await tenant.CreateUserAsync();
        Assert.Equal(tenant.OfficeId, user.Str("departmentId"));
    }

    [Theory]
    [InlineData("Bob@Example.test", "bob@example.test")]
    [InlineData("bob@example.test", " BOB@EXAMPLE.TEST ")]
    [InlineData("bob.smith", "BOB.SMITH")]
    [InlineData("+86 138 0000 1111", "+86-138-0000-1111")]
    public async Task RefusesDuplicateLoginIgnoringCase(string first, string second)
    {
        var tenant = await app.NewTenantAsync();
        var existing = await tenant.CreateUserAsync(first);
        var problem = await (await tenant.Admin.PostAsJsonAsync("/api/v1/users", new { login = second, password = Api.StaffPassword, name = "Second" }))
            .ExpectProblemAsync(HttpStatusCode.Conflict, "user.duplicate_login");
        Assert.Equal(existing.Id(), problem.Str("existingId"));
        Assert.Equal(2, (await tenant.Admin.ListAllAsync("/api/v1/users")).Count);
    }

    [Fact]
    public async Task RefusesLoginOfTheAdministratorInAnyCase()
    {
        var tenant = await app.NewTenantAsync();
        var problem = await (await tenant.Admin.PostAsJsonAsync("/api/v1/users", new { login = $"ADMIN@{tenant.Slug}.TEST", password = Api.StaffPassword, name = "Impostor" }))
            .ExpectProblemAsync(HttpStatusCode.Conflict, "user.duplicate_login");
        Assert.Equal(tenant.AdminUserId, problem.Str("existingId"));
    }

    [Fact]
    public async Task SameLoginIsFineInAnotherTenant()
    {
        var a = await app.NewTenantAsync();
        var b = await app.NewTenantAsync();
        await a.CreateUserAsync("same@example.test");
        await b.CreateUserAsync("same@example.test");
    }

    [Theory]
    [InlineData("1abc")]
    [InlineData("has space")]
    [InlineData("x@y")]
    [InlineData("ab")]
    [InlineData("名字名")]
    public async Task RefusesInvalidLogin(string login)
    {
        var tenant = await app.NewTenantAsync();
        var problem = await (await tenant.Admin.PostAsJsonAsync("/api/v1/users", new { login, password = Api.StaffPassword, name = "Someone" }))
            .ExpectProblemAsync(HttpStatusCode.BadRequest, "validation.failed");
        Assert.Contains("login", problem.ErrorFields());
        Assert.Single(await tenant.Admin.ListAllAsync("/api/v1/users"));
    }

    [Theory]
    [InlineData("short")]
    [InlineData("weakuser1")]
    public async Task RefusesWeakPassword(string password)
    {
        var tenant = await app.NewTenantAsync();
        var problem = await (await tenant.Admin.PostAsJsonAsync("/api/v1/users", new { login = "weakuser1", password, name = "Weak" }))
            .ExpectProblemAsync(HttpStatusCode.BadRequest, "password.policy");
        Assert.Contains("password", problem.ErrorFields());
    }

    [Theory]
    [InlineData("email", "not-an-email")]
    [InlineData("phone", "call me")]
    public async Task RefusesInvalidContactFields(string field, string value)
    {
        var tenant = await app.NewTenantAsync();
        var body = new Dictionary<string, object?> { ["login"] = "c" + Api.Stamp(), ["password"] = Api.StaffPassword, ["name"] = "Contact", [field] = value };
        var problem = await (await tenant.Admin.PostAsJsonAsync("/api/v1/users", body)).ExpectProblemAsync(HttpStatusCode.BadRequest, "validation.failed");
        Assert.Contains(field, problem.ErrorFields());

        var user = await tenant.CreateUserAsync();
        problem = await (await tenant.Admin.PatchJsonAsync($"/api/v1/users/{user.Id()}", new Dictionary<string, object?> { [field] = value }))
            .ExpectProblemAsync(HttpStatusCode.BadRequest, "validation.failed");
        Assert.Contains(field, problem.ErrorFields());
    }

    [Fact]
    public async Task ReadsListsSearchesAndUpdatesUsers()
    {
        var tenant = await app.NewTenantAsync();
        var sales = await tenant.CreateDepartmentAsync("Sales");
        var boss = await tenant.CreateUserAsync("boss@example.test", "Boss Wang", sales.Id());
        var worker = await tenant.CreateUserAsync("worker@example.test", "Worker Li", sales.Id(), boss.Id());

        var read = await tenant.Admin.GetJsonAsync($"/api/v1/users/{worker.Id()}");
        Assert.Equal("Worker Li", read.Str("name"));
        Assert.Equal(boss.Id(), read.Str("superiorId"));

        var all = await tenant.Admin.ListAllAsync("/api/v1/users");
        Assert.Equal(3, all.Count);
        Assert.Equal([worker.Id(), boss.Id()], (await tenant.Admin.ListAllAsync($"/api/v1/users?departmentId={sales.Id()}")).Select(u => u.Id()));
        Assert.Equal([worker.Id()], (await tenant.Admin.ListAllAsync($"/api/v1/users?superiorId={boss.Id()}")).Select(u => u.Id()));
        Assert.Equal([boss.Id()], (await tenant.Admin.ListAllAsync("/api/v1/users?q=boss")).Select(u => u.Id()));

        var found = await tenant.Admin.PostJsonAsync("/api/v1/users/search", new
        {
            filterGroups = new[] { new { filters = new object[] { new { field = "position", op = "isNull" }, new { field = "name", op = "startsWith", value = "worker" } } } },
        }, HttpStatusCode.OK);
        Assert.Equal([worker.Id()], found.Ids());

        var patched = await (await tenant.Admin.PatchJsonAsync($"/api/v1/users/{worker.Id()}", new { name = "Worker Li Senior", position = "Lead", phone = "13900001111", superiorId = (string?)null }))
            .ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("Worker Li Senior", patched.Str("name"));
        Assert.Equal("Lead", patched.Str("position"));
        Assert.Equal(JsonValueKind.Null, patched.GetProperty("superiorId").ValueKind);
        Assert.Equal("worker@example.test", patched.Str("login"));
        Assert.Empty(await tenant.Admin.ListAllAsync($"/api/v1/users?superiorId={boss.Id()}"));
        Assert.Equal([worker.Id()], (await tenant.Admin.ListAllAsync("/api/v1/users?q=139000")).Select(u => u.Id()));
    }

    [Theory]
    [InlineData("login", "\"new@example.test\"")]
    [InlineData("isSuperAdmin", "true")]
    [InlineData("password", "\"Another-Pass-1\"")]
    [InlineData("id", "\"01jzzzzzzzzzzzzzzzzzzzzzzz\"")]
    public async Task RefusesPatchOfFieldsThatAreNotEditable(string field, string json)
    {
        var tenant = await app.NewTenantAsync();
        var user = await tenant.CreateUserAsync();
        var problem = await (await tenant.Admin.SendAsync(HttpMethod.Patch, $"/api/v1/users/{user.Id()}", $"{{\"{field}\":{json}}}"))
            .ExpectProblemAsync(HttpStatusCode.BadRequest, "validation.failed");
        Assert.Contains(field, problem.ErrorFields());
        Assert.Equal(user.Str("version"), (await tenant.Admin.GetJsonAsync($"/api/v1/users/{user.Id()}")).Str("version"));
    }

    [Fact]
    public async Task RefusesSuperiorCycle()
    {
        var tenant = await app.NewTenantAsync();
        var a = await tenant.CreateUserAsync(name: "A");
        var b = await tenant.CreateUserAsync(name: "B", superiorId: a.Id());
        var c = await tenant.CreateUserAsync(name: "C", superiorId: b.Id());

        await (await tenant.Admin.PatchJsonAsync($"/api/v1/users/{a.Id()}", new { superiorId = c.Id() })).ExpectProblemAsync(HttpStatusCode.Conflict, "user.superior_cycle");
        await (await tenant.Admin.PatchJsonAsync($"/api/v1/users/{a.Id()}", new { superiorId = a.Id() })).ExpectProblemAsync(HttpStatusCode.Conflict, "user.superior_cycle");
        Assert.Equal(JsonValueKind.Null, (await tenant.Admin.GetJsonAsync($"/api/v1/users/{a.Id()}")).GetProperty("superiorId").ValueKind);

        // Reversing the chain after breaking it is fine.
        await (await tenant.Admin.PatchJsonAsync($"/api/v1/users/{b.Id()}", new { superiorId = (string?)null })).ExpectAsync(HttpStatusCode.OK);
        await (await tenant.Admin.PatchJsonAsync($"/api/v1/users/{a.Id()}", new { superiorId = c.Id() })).ExpectAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task RefusesUnknownSuperior()
    {
        var tenant = await app.NewTenantAsync();
        var other = await app.NewTenantAsync();
        var problem = await (await tenant.Admin.PostAsJsonAsync("/api/v1/users", new { login = "s" + Api.Stamp(), password = Api.StaffPassword, name = "S", superiorId = other.AdminUserId }))
            .ExpectProblemAsync(HttpStatusCode.BadRequest, "user.superior_not_found");
        Assert.Contains("superiorId", problem.ErrorFields());
        var user = await tenant.CreateUserAsync();
        await (await tenant.Admin.PatchJsonAsync($"/api/v1/users/{user.Id()}", new { superiorId = "01jzzzzzzzzzzzzzzzzzzzzzzz" }))
            .ExpectProblemAsync(HttpStatusCode.BadRequest, "user.superior_not_found");
    }

    [Fact]
    public async Task RefusesUnknownDepartment()
    {
        var tenant = await app.NewTenantAsync();
        var other = await app.NewTenantAsync();
        var gone = await tenant.CreateDepartmentAsync("Gone");
        await (await tenant.Admin.DeleteAsync($"/api/v1/departments/{gone.Id()}")).ExpectAsync(HttpStatusCode.NoContent);

        foreach (var departmentId in new[] { "01jzzzzzzzzzzzzzzzzzzzzzzz", other.OfficeId, gone.Id() })
        {
            var problem = await (await tenant.Admin.PostAsJsonAsync("/api/v1/users", new { login = "d" + Api.Stamp(), password = Api.StaffPassword, name = "D", departmentId }))
                .ExpectProblemAsync(HttpStatusCode.BadRequest, "user.department_not_found");
            Assert.Contains("departmentId", problem.ErrorFields());
        }
        var user = await tenant.CreateUserAsync();
        await (await tenant.Admin.PatchJsonAsync($"/api/v1/users/{user.Id()}", new { departmentId = other.OfficeId }))
            .ExpectProblemAsync(HttpStatusCode.BadRequest, "user.department_not_found");
        Assert.Equal(tenant.OfficeId, (await tenant.Admin.GetJsonAsync($"/api/v1/users/{user.Id()}")).Str("departmentId"));
    }

    [Fact]
    public async Task DeleteOfUserIsNotRouted()
    {
        var tenant = await app.NewTenantAsync();
        var user = await tenant.CreateUserAsync();
        var response = await tenant.Admin.DeleteAsync($"/api/v1/users/{user.Id()}");
        Assert.Contains(response.StatusCode, new[] { HttpStatusCode.MethodNotAllowed, HttpStatusCode.NotFound });
        await response.ExpectProblemAsync(response.StatusCode, response.StatusCode == HttpStatusCode.NotFound ? "route.not_found" : "route.method_not_allowed");
        var batch = await tenant.Admin.PostAsJsonAsync("/api/v1/users/batch/delete", new { inputs = new[] { new { id = user.Id() } } });
        Assert.Contains(batch.StatusCode, new[] { HttpStatusCode.MethodNotAllowed, HttpStatusCode.NotFound });
        Assert.Equal("active", (await tenant.Admin.GetJsonAsync($"/api/v1/users/{user.Id()}")).Str("status"));
    }

    [Fact]
    public async Task RefusesMakingSuperAdminOnCreate()
    {
        var tenant = await app.NewTenantAsync();
        var problem = await (await tenant.Admin.PostAsJsonAsync("/api/v1/users", new { login = "s" + Api.Stamp(), password = Api.StaffPassword, name = "Escalated", isSuperAdmin = true }))
            .ExpectProblemAsync(HttpStatusCode.BadRequest, "validation.failed");
        Assert.Equal(["isSuperAdmin"], problem.ErrorFields());
        Assert.Single(await tenant.Admin.ListAllAsync("/api/v1/users"));
    }

    [Fact]
    public async Task SearchesUsersByPhoneAsTyped()
    {
        var tenant = await app.NewTenantAsync();
        var user = await tenant.CreateUserAsync(phone: "+86 138-0013-8000");
        Assert.Equal([user.Id()], (await tenant.Admin.ListAllAsync($"/api/v1/users?q={Uri.EscapeDataString("+86 138-0013")}")).Select(u => u.Id()));
    }
}
