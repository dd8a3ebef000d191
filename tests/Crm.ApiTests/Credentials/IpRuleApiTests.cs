using System.Net;
using Crm.ApiTests.Infrastructure;

namespace Crm.ApiTests.Credentials;

/// <summary>A tenant's IP allow- and block-lists, applied to sign-in and to every authenticated request.</summary>
public sealed class IpRuleApiTests(CrmApp app) : IClassFixture<CrmApp>
{
    private const string Office = "203.0.113.10";

    private static async Task<TestTenant> TenantAtOfficeAsync(CrmApp app)
    {
        var tenant = await app.NewTenantAsync();
        tenant.Admin.From(Office);
        return tenant;
    }

    [Theory]
    [InlineData("10.1.2.3/8", "10.0.0.0/8")]
    [InlineData("198.51.100.7", "198.51.100.7/32")]
    [InlineData("2001:db8::1/32", "2001:db8::/32")]
    [InlineData(" 2001:DB8::5 ", "2001:db8::5/128")]
    public async Task StoresRulesInCanonicalCidrForm(string cidr, string stored)
    {
        var tenant = await TenantAtOfficeAsync(app);
        var rule = await (await tenant.Admin.CreateIpRuleAsync(cidr, "block", "test")).ExpectAsync(HttpStatusCode.Created);
        Assert.Equal(stored, rule.Str("cidr"));
        Assert.Equal("block", rule.Str("kind"));
    }

    [Theory]
    [InlineData("10.0.0.0/33")]
    [InlineData("300.1.1.1")]
    [InlineData("2001:db8::/129")]
    [InlineData("not an address")]
    [InlineData("10.0.0.0/-1")]
    [InlineData("10.1/16")]
    public async Task RefusesInvalidNetworks(string cidr)
    {
        var tenant = await TenantAtOfficeAsync(app);
        var problem = await (await tenant.Admin.CreateIpRuleAsync(cidr, "block")).ExpectProblemAsync(HttpStatusCode.BadRequest, "validation.failed");
        Assert.Contains("cidr", problem.ErrorFields());
        Assert.Empty((await tenant.Admin.GetJsonAsync("/api/v1/ip-rules")).Items());
    }

    [Fact]
    public async Task BlockedAddressIsRefusedAtSignInAndOnEveryRequestAtOnce()
    {
        var tenant = await TenantAtOfficeAsync(app);
        var login = "u" + Api.Stamp() + "@staff.test";
        await tenant.CreateUserAsync(login);
        var staff = (await tenant.SignInAsync(login, Api.StaffPassword)).From("198.51.100.20");
        await staff.GetJsonAsync("/api/v1/me");
        var key = app.ClientWithApiKey((await tenant.Admin.CreateApiKeyAsync(["departments.manage"])).Str("key"), "198.51.100.21");

        await (await tenant.Admin.CreateIpRuleAsync("198.51.100.0/24", "block", "Partner's old range")).ExpectAsync(HttpStatusCode.Created);

        await (await staff.GetAsync("/api/v1/me")).ExpectProblemAsync(HttpStatusCode.Forbidden, "ip.blocked");
        await (await key.GetAsync("/api/v1/departments")).ExpectProblemAsync(HttpStatusCode.Forbidden, "ip.blocked");
        await (await app.SignInFromAsync(tenant, login, Api.StaffPassword, "198.51.100.99")).ExpectProblemAsync(HttpStatusCode.Forbidden, "ip.blocked");
        // Refused before the password is looked at.
        await (await app.SignInFromAsync(tenant, login, "wrong-password", "198.51.100.99")).ExpectProblemAsync(HttpStatusCode.Forbidden, "ip.blocked");
        await (await app.SignInFromAsync(tenant, login, Api.StaffPassword, "192.0.2.1")).ExpectAsync(HttpStatusCode.OK);
        await staff.From("192.0.2.1").GetJsonAsync("/api/v1/me");
        await tenant.Admin.GetJsonAsync("/api/v1/me");

        // The refused sign-ins are in the login log, with the address and the reason.
        var refused = (await tenant.Admin.ListAllAsync("/api/v1/login-logs?result=failed")).Where(e => e.Str("reason") == "ip_blocked").ToList();
        Assert.Equal(2, refused.Count);
        Assert.All(refused, e => Assert.Equal("198.51.100.99", e.Str("ip")));
    }

    [Fact]
    public async Task AllowRulesAdmitOnlyMatchingAddressesAndBlockWinsOverAllow()
    {
        var tenant = await TenantAtOfficeAsync(app);
        var (_, staff) = await tenant.NewStaffAsync();
        await (await tenant.Admin.CreateIpRuleAsync("203.0.113.0/24", "allow", "Office")).ExpectAsync(HttpStatusCode.Created);
        await (await tenant.Admin.CreateIpRuleAsync("2001:db8:1::/48", "allow", "Office v6")).ExpectAsync(HttpStatusCode.Created);

        await staff.From("203.0.113.77").GetJsonAsync("/api/v1/me");
        await staff.From("2001:db8:1::42").GetJsonAsync("/api/v1/me");
        await (await staff.From("192.0.2.1").GetAsync("/api/v1/me")).ExpectProblemAsync(HttpStatusCode.Forbidden, "ip.blocked");
        await (await staff.From("2001:db8:2::1").GetAsync("/api/v1/me")).ExpectProblemAsync(HttpStatusCode.Forbidden, "ip.blocked");

        await (await tenant.Admin.CreateIpRuleAsync("203.0.113.77", "block", "Kiosk")).ExpectAsync(HttpStatusCode.Created);
        await (await staff.From("203.0.113.77").GetAsync("/api/v1/me")).ExpectProblemAsync(HttpStatusCode.Forbidden, "ip.blocked");
        await staff.From("203.0.113.78").GetJsonAsync("/api/v1/me");
    }

    [Fact]
    public async Task AdministratorCannotLockThemselvesOut()
    {
        var tenant = await TenantAtOfficeAsync(app);
        var own = await (await tenant.Admin.CreateIpRuleAsync("203.0.113.0/24", "block")).ExpectProblemAsync(HttpStatusCode.Conflict, "ip.self_lockout");
        Assert.Equal(Office, own.Str("address"));
        await (await tenant.Admin.CreateIpRuleAsync("192.0.2.0/24", "allow")).ExpectProblemAsync(HttpStatusCode.Conflict, "ip.self_lockout");
        Assert.Empty((await tenant.Admin.GetJsonAsync("/api/v1/ip-rules")).Items());

        var office = await (await tenant.Admin.CreateIpRuleAsync("203.0.113.0/24", "allow", "Office")).ExpectAsync(HttpStatusCode.Created);
        var branch = await (await tenant.Admin.CreateIpRuleAsync("192.0.2.0/24", "allow", "Branch")).ExpectAsync(HttpStatusCode.Created);
        await (await tenant.Admin.PatchJsonAsync($"/api/v1/ip-rules/{office.Id()}", new { cidr = "203.0.114.0/24" })).ExpectProblemAsync(HttpStatusCode.Conflict, "ip.self_lockout");
        await (await tenant.Admin.PatchJsonAsync($"/api/v1/ip-rules/{office.Id()}", new { kind = "block" })).ExpectProblemAsync(HttpStatusCode.Conflict, "ip.self_lockout");
        await (await tenant.Admin.DeleteAsync($"/api/v1/ip-rules/{office.Id()}", null)).ExpectProblemAsync(HttpStatusCode.Conflict, "ip.self_lockout");
        Assert.Equal("203.0.113.0/24", (await tenant.Admin.GetJsonAsync($"/api/v1/ip-rules/{office.Id()}")).Str("cidr"));

        // Removing the last allow rule opens the tenant to every address again, the admin's included.
        await (await tenant.Admin.DeleteAsync($"/api/v1/ip-rules/{branch.Id()}", null)).ExpectAsync(HttpStatusCode.NoContent);
        await (await tenant.Admin.DeleteAsync($"/api/v1/ip-rules/{office.Id()}", null)).ExpectAsync(HttpStatusCode.NoContent);
        await tenant.Admin.From("192.0.2.200").GetJsonAsync("/api/v1/me");

        // Restoring from the recycle bin is the same change: the branch's allow rule alone would refuse the office.
        tenant.Admin.From(Office);
        await (await tenant.Admin.PostAsync($"/api/v1/recycle-bin/ipRule/{branch.Id()}/restore", null)).ExpectProblemAsync(HttpStatusCode.Conflict, "ip.self_lockout");
        Assert.Empty((await tenant.Admin.GetJsonAsync("/api/v1/ip-rules")).Items());
        await (await tenant.Admin.PostAsync($"/api/v1/recycle-bin/ipRule/{office.Id()}/restore", null)).ExpectAsync(HttpStatusCode.OK);
        await (await tenant.Admin.PostAsync($"/api/v1/recycle-bin/ipRule/{branch.Id()}/restore", null)).ExpectAsync(HttpStatusCode.OK);
        // A restored rule applies at once on this replica, like a created one.
        await (await tenant.Admin.From("198.51.100.1").GetAsync("/api/v1/me")).ExpectProblemAsync(HttpStatusCode.Forbidden, "ip.blocked");
        await tenant.Admin.From("192.0.2.200").GetJsonAsync("/api/v1/me");
        await tenant.Admin.From(Office).GetJsonAsync("/api/v1/me");
    }

    [Fact]
    public async Task RuleChangesAreAuditedAndNeedThePermission()
    {
        var tenant = await TenantAtOfficeAsync(app);
        var rule = await (await tenant.Admin.CreateIpRuleAsync("192.0.2.0/24", "block", "Scanner")).ExpectAsync(HttpStatusCode.Created);
        await (await tenant.Admin.PatchJsonAsync($"/api/v1/ip-rules/{rule.Id()}", new { description = "Known scanner" })).ExpectAsync(HttpStatusCode.OK);
        await (await tenant.Admin.CreateIpRuleAsync("192.0.2.7/24", "block")).ExpectProblemAsync(HttpStatusCode.Conflict, "ipRule.duplicate_cidr");

        var history = await tenant.Admin.GetJsonAsync($"/api/v1/audit-logs?recordType=ipRule&recordId={rule.Id()}");
        Assert.Equal(["updated", "created"], history.Items().Select(e => e.Str("action")));
        Assert.All(history.Items(), e => Assert.Equal(Office, e.Str("sourceIp")));

        var (_, staff) = await tenant.NewStaffAsync();
        await (await staff.GetAsync("/api/v1/ip-rules")).ExpectProblemAsync(HttpStatusCode.Forbidden, "permission.denied");
        await (await staff.CreateIpRuleAsync("198.51.100.0/24", "block")).ExpectProblemAsync(HttpStatusCode.Forbidden, "permission.denied");
    }
}
