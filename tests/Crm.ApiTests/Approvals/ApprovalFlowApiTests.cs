using System.Net;
using System.Net.Http.Json;
using Crm.ApiTests.Access;
using Crm.ApiTests.Infrastructure;
using Crm.Domain.Access;

namespace Crm.ApiTests.Approvals;

/// <summary>Approval flow definitions through HTTP: their shape, their approvers, revisions and who may change them.</summary>
public sealed class ApprovalFlowApiTests(CrmApp app) : IClassFixture<CrmApp>
{
    private const string Missing = "01aaaaaaaaaaaaaaaaaaaaaaaa";

    [Fact]
    public async Task AFlowIsMadeOfCheckedStepsAndConditionsAndCountsItsRevisions()
    {
        var tenant = await app.NewTenantAsync();
        var admin = tenant.Admin;
        var types = (await admin.GetJsonAsync("/api/v1/approval-flows/types")).Items().Select(t => t.Str("type")).ToList();
        Assert.Equal(["contract", "purchaseOrder", "quote", "receipt"], types);

        var approver = await tenant.CreateUserAsync();
        var role = await app.CreateRoleAsync(tenant, DataScope.All, ["contracts.view"]);
        var body = new
        {
            name = "Large contracts", documentType = "contract", priority = 10,
            conditions = new object[]
            {
                new { field = "amount", @operator = "gt", amount = 100000m },
                new { field = "customerLevel", @operator = "in", values = new[] { "vip" } },
            },
            steps = new object[]
            {
                new { name = "Superior", approvers = new { kind = "superior", levels = 1 }, remindAfterHours = 4, escalateAfterHours = 24 },
                new { name = "Finance", mode = "all", approvers = new { kind = "users", userIds = new[] { approver.Id(), tenant.AdminUserId } } },
                new { name = "Directors", approvers = new { kind = "role", roleId = role }, escalateAfterHours = 48, escalateToUserId = tenant.AdminUserId },
            },
        };
        var flow = await admin.PostJsonAsync("/api/v1/approval-flows", body, HttpStatusCode.Created);
        Assert.Equal(1, flow.GetProperty("revision").GetInt32());
        Assert.True(flow.GetProperty("enabled").GetBoolean());
        Assert.Equal("all", flow.GetProperty("steps")[1].Str("mode"));
        Assert.Equal("anyOne", flow.GetProperty("steps")[0].Str("mode"));
        var url = $"/api/v1/approval-flows/{flow.Id()}";

        var patched = await (await admin.PatchJsonAsync(url, new { enabled = false })).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(2, patched.GetProperty("revision").GetInt32());
        await (await admin.PatchJsonAsync(url, new { documentType = "purchaseOrder" })).ExpectProblemAsync(HttpStatusCode.BadRequest, "approvalFlow.type_fixed");
        await (await admin.PatchJsonAsync(url, new { revision = 9 })).ExpectProblemAsync(HttpStatusCode.BadRequest, "validation.failed");

        // The name is unique within its document type only.
        await (await admin.PostAsJsonAsync("/api/v1/approval-flows", body)).ExpectProblemAsync(HttpStatusCode.Conflict, "approvalFlow.duplicate_name");
        await admin.PostJsonAsync("/api/v1/approval-flows", body with { documentType = "purchaseOrder" }, HttpStatusCode.Created);
        Assert.Single((await admin.GetJsonAsync("/api/v1/approval-flows?documentType=contract")).Items());
    }

    [Fact]
    public async Task BadFlowsAreRefusedWithTheFieldsAtFault()
    {
        var tenant = await app.NewTenantAsync();
        var admin = tenant.Admin;
        async Task Bad(object body, string code, params string[] fields)
        {
            var problem = await (await admin.PostAsJsonAsync("/api/v1/approval-flows", body)).ExpectProblemAsync(HttpStatusCode.BadRequest, code);
            foreach (var field in fields)
            {
                Assert.Contains(field, problem.ErrorFields());
            }
        }
        object Step(object approvers) => new { name = "Step", approvers };

        await Bad(new { name = "F", documentType = "invoice", steps = new[] { Step(new { kind = "superior", levels = 1 }) } }, "approvalFlow.unknown_type", "documentType");
        await Bad(new { name = "F", documentType = "contract", steps = Array.Empty<object>() }, "approvalFlow.invalid", "steps");
        await Bad(new { name = "F", documentType = "contract" }, "validation.failed", "steps");
        await Bad(new { name = "F", documentType = "contract", steps = new[] { Step(new { kind = "users", userIds = new[] { Missing } }) } },
            "approvalFlow.invalid", "steps[0].approvers.userIds");
        await Bad(new { name = "F", documentType = "contract", steps = new[] { Step(new { kind = "role", roleId = Missing }) } },
            "approvalFlow.invalid", "steps[0].approvers.roleId");
        await Bad(new { name = "F", documentType = "contract", steps = new[] { Step(new { kind = "superior", levels = 6 }) } },
            "approvalFlow.invalid", "steps[0].approvers.levels");
        await Bad(new { name = "F", documentType = "contract", steps = new[] { Step(new { kind = "boss" }) } }, "validation.failed");
        await Bad(new { name = "F", documentType = "contract", steps = new[] { Step(new { kind = "superior", levels = 1 }) },
            conditions = new[] { new { field = "amount", @operator = "in", values = new[] { "1" } } } }, "approvalFlow.invalid", "conditions[0].operator");
        await Bad(new { name = "F", documentType = "contract", steps = new[] { new { name = "S", approvers = new { kind = "superior", levels = 1 }, remindAfterHours = 10, escalateAfterHours = 5 } } },
            "approvalFlow.invalid", "steps[0].escalateAfterHours");
        Assert.Empty((await admin.GetJsonAsync("/api/v1/approval-flows")).Items());
    }

    [Fact]
    public async Task OnlyHoldersOfTheFlowPermissionsSeeOrChangeFlows()
    {
        var tenant = await app.NewTenantAsync();
        var (_, clerk) = await tenant.NewMemberAsync(null, null, await app.CreateRoleAsync(tenant, DataScope.All, ["contracts.view", "contracts.edit"]));
        await (await clerk.GetAsync("/api/v1/approval-flows")).ExpectProblemAsync(HttpStatusCode.Forbidden, "permission.denied");
        await (await clerk.GetAsync("/api/v1/approval-flows/types")).ExpectProblemAsync(HttpStatusCode.Forbidden, "permission.denied");
        var (_, designer) = await tenant.NewMemberAsync(null, null, await app.CreateRoleAsync(tenant, DataScope.All, ["approvalflows.view", "approvalflows.create"]));
        await designer.PostJsonAsync("/api/v1/approval-flows",
            new { name = "F", documentType = "purchaseOrder", steps = new[] { new { name = "S", approvers = new { kind = "superior", levels = 1 } } } }, HttpStatusCode.Created);
    }
}
